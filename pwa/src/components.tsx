// Small shared pieces of the screens.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

export interface Message {
  readonly title: string;
  readonly text: string;
}

/**
 * A modal message, as the tutorial's dialogs. The native <dialog> gives the focus trap, Escape and the
 * inert background; focus starts on OK and goes back to `returnFocus` (the button that caused it).
 * Shown once per mount: the parent renders it for a message and removes it in `onClose`.
 */
export function MessageDialog(props: {
  message: Message;
  onClose: () => void;
  returnFocus?: HTMLElement | null | undefined;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const ok = useRef<HTMLButtonElement>(null);
  // The latest props, read when the dialog closes (the effect below runs once).
  const latest = useRef(props);
  latest.current = props;
  useLayoutEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    element.showModal();
    ok.current?.focus();
    const closed = () => {
      latest.current.returnFocus?.focus();
      latest.current.onClose();
    };
    element.addEventListener('close', closed);
    return () => element.removeEventListener('close', closed);
  }, []);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-text">
      <h2 id="dialog-title">{props.message.title}</h2>
      <p id="dialog-text">{props.message.text}</p>
      <div class="actions">
        <button type="button" class="button primary" ref={ok} onClick={() => dialog.current?.close()}>
          OK
        </button>
      </div>
    </dialog>
  );
}

/**
 * A live region that is always in the page, so that a notice appearing later (the connection drops)
 * is announced by screen readers.
 */
export function StatusRegion(props: { children?: ComponentChildren }) {
  return (
    <div role="status" class="status-region">
      {props.children}
    </div>
  );
}

export function Notice(props: { tone: 'info' | 'warning' | 'error'; children: ComponentChildren }) {
  return <p class={`notice ${props.tone}`}>{props.children}</p>;
}
