import { render } from 'preact';
import { App } from './app';
import { AppErrorBoundary } from './components/error-boundary';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  render(
    <AppErrorBoundary>
      <App />
    </AppErrorBoundary>,
    root,
  );
}
