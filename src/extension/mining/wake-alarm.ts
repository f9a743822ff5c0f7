/**
 * The wake-up while mining is wanted: a periodic browser alarm. An alarm is one of the events that
 * start an unloaded background again (Chromium's service worker, Firefox's event page), and the
 * background's alarm listener then applies the settings. Without it, a background stopped before
 * its offscreen document or Workers report anything (mining still starting up, or waiting to
 * reconnect) is woken by nothing until the next browser event. The alarm itself is kept by the
 * browser, so it survives the background being unloaded.
 */
export const WAKE_ALARM = 'workpass-wake';

/** Chromium's shortest period for a packed MV3 add-on (30 s since Chrome 120); Firefox has none. */
export const WAKE_PERIOD_MINUTES = 0.5;

/** The slice of browser.alarms the wake-up uses (create returns a promise in Chromium, nothing in older Firefox). */
export interface AlarmsApi {
  get(name: string): Promise<{ readonly name: string; readonly periodInMinutes?: number } | undefined>;
  create(name: string, info: { periodInMinutes: number }): Promise<void> | void;
  clear(name: string): Promise<boolean>;
}

/** What the miner asks of the wake-up: on while mining is wanted, off otherwise. */
export interface WakeUp {
  set(on: boolean): Promise<void>;
}

export class WakeAlarm implements WakeUp {
  constructor(private readonly alarms: AlarmsApi) {}

  async set(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') throw new TypeError('on: expected a boolean');
    if (!on) {
      await this.alarms.clear(WAKE_ALARM);
      return;
    }
    // Creating an alarm of the same name replaces it and restarts its period: an alarm already
    // set is left alone, so applying the settings often (the alarm itself does) cannot postpone it.
    const current = await this.alarms.get(WAKE_ALARM);
    if (current?.periodInMinutes === WAKE_PERIOD_MINUTES) return;
    await this.alarms.create(WAKE_ALARM, { periodInMinutes: WAKE_PERIOD_MINUTES });
  }
}

/** True for the wake-up alarm (an alarm of another name is not a reason to apply the settings). */
export function isWakeAlarm(alarm: { readonly name?: unknown } | null | undefined): boolean {
  return alarm?.name === WAKE_ALARM;
}
