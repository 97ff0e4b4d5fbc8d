/** Long-running commands (serve, lab up --wait) keep the store open after the command returns. */
let keepOpen = false;
export function keepSessionOpen(): void {
  keepOpen = true;
}
export function sessionKeptOpen(): boolean {
  return keepOpen;
}
