/** A value that survives `JSON.stringify`/`JSON.parse` unchanged: what device state is made of. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };
