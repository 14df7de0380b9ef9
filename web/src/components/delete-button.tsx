interface DeleteButtonProps {
  /** What is deleted, for screen readers: "user Ada" makes the button "Delete user Ada". */
  what: string;
  onClick: () => void;
}

/** A table row's Delete button; it only opens the confirmation, which does the deleting. */
export function DeleteButton({ what, onClick }: DeleteButtonProps) {
  return (
    <button type="button" class="danger" onClick={onClick}>
      Delete<span class="visually-hidden"> {what}</span>
    </button>
  );
}
