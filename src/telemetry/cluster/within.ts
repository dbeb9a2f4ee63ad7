/** A wait with a deadline, for the cluster's answers that may never come (a receiver that stops first). */

/** `promise`, or `fallback` after `ms`; the timer alone never keeps the process alive. */
export function within<T, F>(ms: number, promise: Promise<T>, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(resolve, ms, fallback);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
