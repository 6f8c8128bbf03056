/**
 * The 8259A's rotating priority order.
 *
 * 8259A datasheet, "Fully nested mode" and "Automatic rotation": after initialisation IR0
 * has the highest priority and IR7 the lowest; rotation and the set-priority command move
 * which level is lowest, and the others follow it in circular order. So the whole priority
 * order is described by one number, the lowest-priority level (0..7): the level after it
 * (mod 8) is the highest.
 */

/** The lowest-priority level after initialisation (datasheet, ICW1 step c: "IR7 ... priority 7"). */
export const DEFAULT_LOWEST_PRIORITY = 7;

/**
 * The priority rank of `level` when `lowest` is the lowest-priority level: 0 is the highest
 * priority, 7 the lowest.
 */
export function priorityRank(level: number, lowest: number): number {
  return (level - lowest - 1) & 7;
}

/**
 * The level of highest priority among the set bits of `mask` (bit n = IRn), or -1 when
 * `mask` has none.
 */
export function highestPriorityLevel(mask: number, lowest: number): number {
  if ((mask & 0xff) === 0) return -1;
  for (let rank = 0; rank < 8; rank++) {
    const level = (lowest + 1 + rank) & 7;
    if (mask & (1 << level)) return level;
  }
  return -1;
}
