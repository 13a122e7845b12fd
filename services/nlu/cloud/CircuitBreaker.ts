/**
 * A consecutive-failure circuit breaker: after `failureThreshold` failures in a row the circuit
 * opens for `openMs`, during which `canRequest()` is false; then one trial request is let through
 * (half-open): success closes the circuit, failure opens it again for another `openMs`.
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 3. */
  failureThreshold?: number;
  /** How long the circuit stays open. Default 30 000 ms. */
  openMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(opts: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, opts.failureThreshold ?? 3);
    this.openMs = Math.max(0, opts.openMs ?? 30_000);
    this.now = opts.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.failures < this.threshold) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** True when a request may go to the guarded service; in half-open state only one at a time. */
  canRequest(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
  }

  /** Records a failure; returns true when this failure (re)opened the circuit. */
  onFailure(): boolean {
    this.trialInFlight = false;
    this.failures++;
    if (this.failures >= this.threshold) {
      this.openUntil = this.now() + this.openMs;
      return true;
    }
    return false;
  }

  /** Milliseconds until the circuit lets a trial request through (0 when closed or half-open). */
  remainingOpenMs(): number {
    return this.state === 'open' ? this.openUntil - this.now() : 0;
  }
}
