// The Failed orders screen's Resubmit: the dry run (the preview), the real run, and the bulk
// operation it is recorded as (its progress and outcomes). Each throws the API's one error shape.
import { api, type Schemas } from "./client";

export type ResubmitRequest = Schemas["ResubmitRequest"];
export type ResubmitResult = Schemas["ResubmitResult"];
export type BulkOperation = Schemas["BulkOperationDetail"];

export const resubmitEndpoints = {
  /** 200: the result (a small run is done at once); 202: the bulk operation, queued. */
  resubmit: (body: ResubmitRequest) =>
    api<ResubmitResult | BulkOperation>("POST", "/api/orders/resubmit/", { body }),
  bulkOperation: (id: number) => api<BulkOperation>("GET", `/api/bulk-operations/${id}/`),
  /** Stop it: a queued one at once, a running one before its next chunk. */
  cancel: (id: number) => api<BulkOperation>("POST", `/api/bulk-operations/${id}/cancel/`),
};

/** A 202's body is the queued bulk operation; a 200's is the result naming one. */
export function isBulkOperation(body: ResubmitResult | BulkOperation): body is BulkOperation {
  return "outcomes" in body && "state" in body;
}
