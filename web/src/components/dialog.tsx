import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert (focus cannot
 * leave), moves focus inside (to the first focusable element, or one marked autofocus) and
 * turns Escape into a `cancel` event. Closing returns focus to what opened it.
 */
export function Dialog({ title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    // Escape: let the owner decide (it unmounts us), instead of the browser closing the
    // element behind Preact's back.
    const onCancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      // The opener may be gone or disabled by now (a create button at the limit): then the
      // page heading, so focus never drops to the document body.
      const back = opener?.isConnected && !opener.matches(':disabled') ? opener : null;
      (back ?? document.querySelector<HTMLElement>('main h1'))?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
