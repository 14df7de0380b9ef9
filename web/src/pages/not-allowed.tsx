export function NotAllowed({ title }: { title: string }) {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <p class="alert alert-info" role="status">
        This page is for Admins. Ask an Admin if you need something changed here.
      </p>
    </>
  );
}
