import { BusinessRuleViolation, businessError, KernelErrorCode } from "./errors.js";

/** Allowed transitions of an aggregate: each state lists the states it may move to. */
export type TransitionTable<State extends string> = Readonly<Record<State, readonly State[]>>;

export interface StateMachine<State extends string> {
  readonly name: string;
  readonly transitions: TransitionTable<State>;
  canTransition(from: State, to: State): boolean;
  /** Throws INVALID_STATE_TRANSITION (rolling back the transaction) unless from → to is allowed. */
  assertTransition(from: State, to: State): void;
  nextStates(from: State): readonly State[];
}

export function defineStateMachine<State extends string>(
  name: string,
  transitions: TransitionTable<State>,
): StateMachine<State> {
  const canTransition = (from: State, to: State) => transitions[from]?.includes(to) ?? false;
  return {
    name,
    transitions,
    canTransition,
    nextStates: (from) => transitions[from] ?? [],
    assertTransition(from, to) {
      if (canTransition(from, to)) return;
      throw new BusinessRuleViolation([
        businessError(KernelErrorCode.INVALID_STATE_TRANSITION, `${name} cannot move from ${from} to ${to}`),
      ]);
    },
  };
}
