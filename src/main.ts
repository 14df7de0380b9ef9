import { serveOrExit } from './server.js';

serveOrExit();
