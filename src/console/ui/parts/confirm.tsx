// A confirmation dialog (the native <dialog>: modal, focus kept inside, Escape cancels) that asks
// for the resource's name to be typed before a destructive action, as cloud consoles do.
import { useEffect, useRef, useState } from 'preact/hooks';

export function ConfirmDialog({ open, title, what, name, action, onConfirm, onClose }: { open: boolean; title: string; what: string; name: string; action: string; onConfirm: () => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setTyped('');
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === name) onConfirm();
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <p>{what}</p>
        <label>
          Type <strong>{name}</strong> to confirm
          <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autoFocus />
        </label>
        <div class="row">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={typed !== name}>
            {action}
          </button>
        </div>
      </form>
    </dialog>
  );
}
