// A plugin module whose top-level await never settles: ringlab must say so, not exit 0.
await new Promise(() => {});
export {};
