/**
 * Hands a settings file to the dashboards' config module (`../config.ts`), which reads
 * `FAULTLINE_SETTINGS` once when it loads: call this before the dashboards' modules are first
 * imported (the `faultline-mixin` CLI does).
 */

/** Makes the shared config, when it loads, merge `file` onto its defaults. */
export function useSettingsFile(file: string): void {
  process.env.FAULTLINE_SETTINGS = file;
}
