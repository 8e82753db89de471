/**
 * `window.localStorage` of a virtual device. The SDK keeps its installation id there
 * (`MobileServices.Installation.config`), reading and writing it as *properties* of the storage
 * object, which a real `Storage` allows; hence the proxy. The items live in a map the driver
 * keeps across app restarts, as a device keeps its web storage.
 */
/** The Web Storage API as the SDK uses it (the browser's `Storage`, declared here for Node code). */
export interface DeviceStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
  [name: string]: unknown;
}

export function createDeviceStorage(items: Map<string, string>): DeviceStorage {
  const methods = {
    get length(): number {
      return items.size;
    },
    key: (index: number): string | null => [...items.keys()][index] ?? null,
    getItem: (key: string): string | null => items.get(String(key)) ?? null,
    setItem: (key: string, value: string): void => void items.set(String(key), String(value)),
    removeItem: (key: string): void => void items.delete(String(key)),
    clear: (): void => items.clear(),
  };
  return new Proxy(methods, {
    get(target, property) {
      if (typeof property === 'string' && items.has(property)) return items.get(property);
      return Reflect.get(target, property);
    },
    set(_target, property, value) {
      if (typeof property !== 'string') return false;
      items.set(property, String(value));
      return true;
    },
    has(target, property) {
      return (typeof property === 'string' && items.has(property)) || Reflect.has(target, property);
    },
    deleteProperty(_target, property) {
      if (typeof property === 'string') items.delete(property);
      return true;
    },
    ownKeys() {
      return [...items.keys()];
    },
    getOwnPropertyDescriptor(_target, property) {
      if (typeof property !== 'string' || !items.has(property)) return undefined;
      return { value: items.get(property), writable: true, enumerable: true, configurable: true };
    },
  }) as unknown as DeviceStorage;
}
