import { type BusinessError, businessError, type NotFound, type Refuse, refusals } from "@erp/core";
import { HrErrorCode } from "./generated/enums.js";

/** HR's business error codes: the HrErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { HrErrorCode };

const refusal = refusals(HrErrorCode);
/** Refusals that accept only HrErrorCodes, so a misspelt code does not compile. */
export const refuse: Refuse<HrErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<HrErrorCode> = refusal.notFound;

/** Unique constraints whose violation is a business error (a concurrent twin passed the checks). */
export const hrUniqueViolations: Record<string, BusinessError> = {
  departments_code_key: businessError(HrErrorCode.DEPARTMENT_CODE_TAKEN, "Another department has this code", "code"),
  employees_work_email_key: businessError(
    HrErrorCode.WORK_EMAIL_TAKEN,
    "Another employee has this work email",
    "workEmail",
  ),
  employees_user_subject_key: businessError(
    HrErrorCode.USER_SUBJECT_TAKEN,
    "Another employee is linked to this identity subject",
    "userSubject",
  ),
  payroll_runs_regular_period: businessError(
    HrErrorCode.PAYROLL_PERIOD_ALREADY_RUN,
    "A REGULAR run for this month exists already; correct it with an ADJUSTMENT run",
    "period",
  ),
};
