// A small event emitter (on, once, off, emit): the original's API is EventEmitter-shaped, and a browser's
// EventTarget would wrap every payload in an Event.
export class Emitter {
  #listeners = new Map();

  on(name, listener) {
    const list = this.#listeners.get(name) ?? [];
    this.#listeners.set(name, [...list, listener]);
    return this;
  }

  once(name, listener) {
    const wrapper = (...args) => { this.off(name, wrapper); listener(...args); };
    return this.on(name, wrapper);
  }

  off(name, listener) {
    const list = this.#listeners.get(name);
    if (list) this.#listeners.set(name, list.filter((l) => l !== listener));
    return this;
  }

  /** Calls each listener; one that throws is reported on 'error' (or the console) and the others still run. */
  emit(name, ...args) {
    const list = this.#listeners.get(name);
    if (!list || list.length === 0) return false;
    for (const listener of list) {
      try { listener(...args); }
      catch (err) {
        if (name !== 'error' && this.#listeners.get('error')?.length) this.emit('error', err);
        else console.error(err);
      }
    }
    return true;
  }

}

/**
 * Recently seen keys with a value, bounded in count and age: inserting past `capacity` evicts the oldest, and an
 * entry older than `ttlMs` is gone. Nothing from the network can grow it past its bound.
 */
export class BoundedCache {
  #map = new Map();
  constructor(capacity, ttlMs) { this.capacity = capacity; this.ttlMs = ttlMs; }

  get size() { return this.#map.size; }

  get(key) {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at > this.ttlMs) { this.#map.delete(key); return undefined; }
    return entry.value;
  }

  has(key) { return this.get(key) !== undefined; }

  set(key, value = true) {
    this.#map.delete(key);
    this.#map.set(key, { value, at: Date.now() });
    while (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value);
  }

  delete(key) { this.#map.delete(key); }

  /** The values still held (expired ones included until they are next looked up or evicted). */
  values() { return [...this.#map.values()].map((entry) => entry.value); }
}
