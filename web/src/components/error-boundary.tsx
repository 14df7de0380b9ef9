import type { ComponentChildren } from 'preact';
import { useErrorBoundary } from 'preact/hooks';

/** A bug in the page shows a message and a way out, never a blank page or a stack. */
export function AppErrorBoundary({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary((caught: unknown) => console.error(caught));
  if (error) {
    return (
      <main id="main" class="login stack">
        <h1>Something went wrong</h1>
        <p class="alert alert-error" role="alert">
          This page ran into a problem it did not expect. Your tokens and settings are safe on the
          server.
        </p>
        <button
          type="button"
          onClick={() => {
            reset();
            window.location.reload();
          }}
        >
          Reload the page
        </button>
      </main>
    );
  }
  return <>{children}</>;
}
