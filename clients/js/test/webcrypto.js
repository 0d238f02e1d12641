// The client uses the global `crypto` (WebCrypto), as browsers have it; Node has it global from 19 on, so an older
// Node (Debian 12's 18) gets it from node:crypto. Imported first by the tests that need it.
import { webcrypto } from 'node:crypto';

globalThis.crypto ??= webcrypto;
