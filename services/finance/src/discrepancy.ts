/** One disagreement between records that must agree. */
export interface Discrepancy {
  kind: string;
  severity: "WARNING" | "CRITICAL";
  /** Stable across runs for the same disagreement, so a rerun finds its alert again. */
  fingerprint: string;
  description: string;
  documents: { type: string; id: string }[];
  expected: string | null;
  found: string | null;
}
