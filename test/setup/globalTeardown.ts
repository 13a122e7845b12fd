import type { ChildProcess } from 'child_process';

export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as unknown as { __REDIS_CHILD__?: ChildProcess }).__REDIS_CHILD__;
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(resolve, 3000).unref();
    });
  }
}
