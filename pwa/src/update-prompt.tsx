// Registers the service worker and offers a new version when one is waiting. Nothing reloads by
// itself: a reload in the middle of typing a password would lose it.
import { useRegisterSW } from 'virtual:pwa-register/preact';

/** An open app also looks for a new version this often (browsers otherwise check on navigation). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration === undefined) return;
      setInterval(() => {
        if (navigator.onLine) registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
  });

  return (
    <div role="status" class="update-region">
      {needRefresh && (
        <div class="update">
          <p>A new version of Gatehouse is available.</p>
          <div class="actions">
            {/* The waiting worker takes over, then the page reloads into the new version. */}
            <button type="button" class="button primary" onClick={() => void updateServiceWorker()}>
              Reload
            </button>
            <button type="button" class="button secondary" onClick={() => setNeedRefresh(false)}>
              Later
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
