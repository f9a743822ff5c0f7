import { browser } from './browser.js';
import type { Answer, Request, State } from '../messages.js';

/** Sends a request to the background; resolves to its state or throws its error. */
export async function ask(req: Request): Promise<State> {
  const answer = (await browser.runtime.sendMessage({ to: 'background', ...req })) as Answer | undefined;
  if (answer === undefined) throw new Error('the background did not answer');
  if (!answer.ok) throw new Error(answer.error);
  return answer.state;
}
