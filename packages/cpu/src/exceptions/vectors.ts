/** Exception vectors (SDM vol.3 table 6-1). */
export const DE = 0;
export const DB = 1;
export const NMI = 2;
export const BP = 3;
export const OF_VEC = 4;
export const BR = 5;
export const UD = 6;
export const NM = 7;
export const DF_VEC = 8;
export const TS = 10;
export const NP = 11;
export const SS_VEC = 12;
export const GP = 13;
export const PF_VEC = 14;
export const MF = 16;
export const AC_VEC = 17;
export const MC = 18;

/** Vectors that push an error code (SDM vol.3 table 6-1 "Error Code" column). */
export function hasErrorCode(vector: number): boolean {
  return vector === DF_VEC || (vector >= TS && vector <= PF_VEC) || vector === AC_VEC;
}

/**
 * Exception classes for double-fault detection (SDM vol.3 table 6-4 and 6-5): benign,
 * contributory (0, 10-13) and page fault.
 */
export const enum FaultClass {
  Benign = 0,
  Contributory = 1,
  PageFault = 2,
}

export function faultClass(vector: number): FaultClass {
  if (vector === DE || (vector >= TS && vector <= GP)) return FaultClass.Contributory;
  if (vector === PF_VEC) return FaultClass.PageFault;
  return FaultClass.Benign;
}

/** Mnemonics of the architecturally defined vectors (SDM vol.3 table 6-1). */
const VECTOR_MNEMONICS: Readonly<Record<number, string>> = {
  0: "#DE", 1: "#DB", 2: "NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 7: "#NM", 8: "#DF",
  9: "#CSO", 10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 18: "#MC", 19: "#XM",
};

/** `#GP` for 13, `vector 0x80` for a vector without a mnemonic. */
export function vectorName(vector: number): string {
  return VECTOR_MNEMONICS[vector] ?? `vector 0x${vector.toString(16).padStart(2, "0")}`;
}
