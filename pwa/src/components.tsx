// Small shared pieces of the screens.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { PAGE_HREFS, type Page } from './hooks';

export interface Message {
  readonly title: string;
  readonly text: string;
}

/**
 * Shows the <dialog> that gets the returned ref as a modal once it is mounted, and calls `focus` with it
 * to place the focus. `onClosed` (as last rendered) runs when it closes: Escape, or a button's close().
 */
export function useModalDialog(focus: (element: HTMLDialogElement) => void, onClosed: () => void) {
  const dialog = useRef<HTMLDialogElement>(null);
  // The latest `onClosed`, called when the dialog closes (the effect below runs once).
  const latest = useRef(onClosed);
  latest.current = onClosed;
  useLayoutEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    element.showModal();
    focus(element);
    const closed = () => latest.current();
    element.addEventListener('close', closed);
    return () => element.removeEventListener('close', closed);
  }, []);
  return dialog;
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
  const ok = useRef<HTMLButtonElement>(null);
  const dialog = useModalDialog(
    () => ok.current?.focus(),
    () => {
      props.returnFocus?.focus();
      props.onClose();
    },
  );
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

/** A load that failed: why, and a button that tries again. `what` is what was loading ("the data"). */
export function LoadFailure(props: { reason: 'unreachable' | 'error'; what: string; onRetry: () => void }) {
  return (
    <div role="alert" class="failure">
      <Notice tone="error">
        {props.reason === 'unreachable'
          ? 'Gatehouse could not be reached.'
          : `An error occurred while loading ${props.what}.`}
      </Notice>
      <button type="button" class="button secondary" onClick={props.onRetry}>
        Try Again
      </button>
    </div>
  );
}

export function Notice(props: { tone: 'info' | 'warning' | 'error'; children: ComponentChildren }) {
  return <p class={`notice ${props.tone}`}>{props.children}</p>;
}

const NAV: ReadonlyArray<readonly [Page, string]> = [
  ['home', 'Data'],
  ['devices', 'Devices'],
  ['account', 'Account'],
  ['activity', 'Activity'],
];

/**
 * A logged-in page: the app bar with the page's title and Log Out, the links between pages, and the
 * page itself. Mounted once per page: the title (and the browser tab's) is set, and focus moves to it
 * so a screen reader announces the new page.
 */
export function Frame(props: {
  title: string;
  page: Page;
  takeFocus: boolean;
  onLogOut: () => void;
  children: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    document.title = `${props.title} · Gatehouse`;
    if (props.takeFocus) heading.current?.focus();
  }, []);
  return (
    <>
      <header class="bar">
        <img class="bar-icon" src="/icon.svg" alt="" width={32} height={32} />
        <h1 class="bar-title focus-target" ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        <button type="button" class="button on-bar" onClick={props.onLogOut}>
          Log Out
        </button>
      </header>
      <nav class="nav" aria-label="Pages">
        {NAV.map(([page, label]) => (
          <a key={page} href={PAGE_HREFS[page]} aria-current={page === props.page ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <main class="page">{props.children}</main>
    </>
  );
}
