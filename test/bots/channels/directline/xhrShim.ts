/**
 * The part of XMLHttpRequest that rxjs 5's `Observable.ajax` (used by botframework-directlinejs)
 * touches, implemented over Node's fetch, so directlinejs can run in Jest as it runs in a browser.
 */
export class FetchXMLHttpRequest {
  readyState = 0;
  status = 0;
  response: unknown = null;
  responseText = '';
  responseType = '';
  timeout = 0;
  withCredentials = false;
  readonly upload = {};
  onreadystatechange: ((this: FetchXMLHttpRequest, e: unknown) => void) | null = null;
  onerror: ((this: FetchXMLHttpRequest, e: unknown) => void) | null = null;
  ontimeout: ((this: FetchXMLHttpRequest, e: unknown) => void) | null = null;
  private method = 'GET';
  private url = '';
  private readonly headers: Record<string, string> = {};
  private responseHeaders: Headers | undefined;
  private readonly abortController = new AbortController();

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders?.get(name) ?? null;
  }

  abort(): void {
    this.abortController.abort();
  }

  send(body?: string | FormData | null): void {
    const timer = this.timeout > 0 ? setTimeout(() => this.abortController.abort(), this.timeout) : undefined;
    fetch(this.url, { method: this.method, headers: this.headers, body: body ?? undefined, signal: this.abortController.signal })
      .then(async (res) => {
        this.responseHeaders = res.headers;
        this.status = res.status;
        if (this.responseType === 'arraybuffer') {
          this.response = await res.arrayBuffer();
        } else {
          this.responseText = await res.text();
          if (this.responseType === 'json') {
            try {
              this.response = this.responseText ? JSON.parse(this.responseText) : null;
            } catch {
              this.response = null;
            }
          } else {
            this.response = this.responseText;
          }
        }
        this.readyState = 4;
        this.onreadystatechange?.call(this, {});
      })
      .catch((err: unknown) => {
        this.readyState = 4;
        this.status = 0;
        if (err instanceof Error && err.name === 'AbortError' && this.timeout > 0) this.ontimeout?.call(this, err);
        else if (!(err instanceof Error && err.name === 'AbortError')) this.onerror?.call(this, err);
      })
      .finally(() => clearTimeout(timer));
  }
}
