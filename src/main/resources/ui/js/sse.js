// Reads a Server-Sent Events stream with fetch(), so the key goes in the Authorization header as on
// every other call: EventSource cannot send headers, and the key is never put in a URL.
import { session, ApiError } from './api.js';

/**
 * Calls onOpen() once the gateway has taken the stream (it listens from then on), then onEvent(name, data)
 * for each event until signal aborts or the stream ends.
 * Resolves when it ends; rejects with an ApiError when the gateway refuses or cannot be reached.
 */
export async function streamEvents(path, onOpen, onEvent, signal) {
  let response;
  try {
    response = await fetch(new URL(path, location.origin), {
      headers: { Accept: 'text/event-stream', Authorization: 'Bearer ' + session.key() },
      cache: 'no-store', credentials: 'omit', signal });
  } catch (e) {
    if (signal.aborted) return;
    throw new ApiError(0, 'The gateway did not answer (' + e.message + ').');
  }
  if (!response.ok) {
    let message = response.status + ' ' + response.statusText;
    try {
      const body = await response.json();
      message = (body.error && body.error.message) || message;
    } catch (notJson) {
      // the status says enough
    }
    throw new ApiError(response.status, message);
  }
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  } catch (e) {
    if (!signal.aborted) throw new ApiError(0, 'The live tail stopped (' + e.message + ').');
  }
}
