// Generated from the API's OpenAPI schema by `npm run types` (scripts/api-types.mjs).
// Do not edit: change the API, then regenerate; `npm run types:check` fails when stale.

export interface paths {
    "/api/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The API's links
         * @description Every top-level list, the OpenAPI schema and the docs (Swagger UI), as absolute URLs. No authentication needed here; the lists need it.
         */
        get: operations["api_root"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agent/orders/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The executing orders this agent's integration is to fulfil. */
        get: operations["agent_orders_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agent/orders/{uuid}/{result}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Report an order ``done`` or ``erred`` (with message, traceback and ``retryable``). */
        post: operations["agent_orders_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alert-contacts/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List alert contacts
         * @description The contacts you may manage: staff all; an owner those of their organizations and of the integrations only their organizations' offerings use.
         */
        get: operations["alert_contacts_list"];
        put?: never;
        /**
         * Add an alert contact
         * @description A user (by username: an owner or manager of the scope, for non-staff) or an e-mail address; an organization or an integration in your scope (403 outside it); frequency (immediate, hourly, daily, off), kinds (empty: all) and channels (email, webhook; webhook needs webhook_url, and its signing secret is made here and shown as webhook_secret).
         */
        post: operations["alert_contacts_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alert-contacts/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One alert contact
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["alert_contacts_retrieve"];
        put?: never;
        post?: never;
        /**
         * Remove an alert contact
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        delete: operations["alert_contacts_destroy"];
        options?: never;
        head?: never;
        /**
         * Change an alert contact
         * @description Send only what changes: frequency, kinds, channels, email (an address contact's), webhook_url; clear_refusal: true sends to an address the mail server refused again (a new address does that by itself).
         */
        patch: operations["alert_contacts_partial_update"];
        trace?: never;
    };
    "/api/alerts/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List alerts
         * @description The alerts of your organizations' and offerings' orders and of the integrations those offerings use, newest first; each links to its order (null for an alert about no order) and its integration. Filter by status (open, resolved, dismissed), kind, integration (id or name), order and needs_action. Consumers and users without a role see none.
         */
        get: operations["alerts_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One alert
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["alerts_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/dismiss/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Dismiss an open alert
         * @description With an optional note (at most 500 characters), kept as the alert's dismissed_note with who and when. The alert opens again if the failure happens again. An empty body dismisses without a note.
         */
        post: operations["alerts_dismiss_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bulk-operations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List bulk operations
         * @description Your resubmits (staff: everyone's), from the API, the admin and the commands, newest first, each with its progress. Needs `orders.view_bulkoperation` or `orders.resubmit_order`.
         */
        get: operations["bulk_operations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bulk-operations/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One bulk operation
         * @description Its progress and what became of the orders it sent again (`outcomes`: done, failed again, still in flight), each with the orders list's URL that lists exactly those orders (`/api/orders/?bulk_operation={id}&state=done`). Another person's operation is a 404 (staff see all).
         */
        get: operations["bulk_operations_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bulk-operations/{id}/cancel/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a bulk operation
         * @description Stop a queued or running bulk operation: a queued one is cancelled at once; a running one stops before its next chunk, within a second (its state becomes `cancelled`). What it resubmitted stays resubmitted; the rest of its orders are left as they are. Yours only (staff: any); a finished one is a 409 naming its state.
         */
        post: operations["bulk_operations_cancel_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List integrations
         * @description With each one's status: circuit breaker state and since when, deliveries held, last success and last failure. Staff see all; owners and managers those their offerings use. Credentials are never shown, only the name of their variable.
         */
        get: operations["integrations_list"];
        put?: never;
        /**
         * Create an integration (staff)
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        post: operations["integrations_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One integration
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["integrations_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit an integration (staff)
         * @description Send only the fields that change; the result must still be sound.
         */
        patch: operations["integrations_partial_update"];
        trace?: never;
    };
    "/api/integrations/{id}/health/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health of an integration
         * @description What its page shows beside the configuration: the circuit breaker (state, since, reason, next probe), held deliveries by reason, deliveries in flight and queued, your erred orders at it by failure kind, the last success and failure, the maintenance window running now and the next one, its limits (also in the integration itself) and the last 24 hours' attempts by outcome per UTC hour (24 buckets, the current hour last). A fixed number of queries, whatever the traffic.
         */
        get: operations["integrations_health_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{id}/release/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Release held deliveries (staff)
         * @description Closes an open circuit breaker, ends the integration's incident and sends again at once its held deliveries and the orders that failed transiently during the incident, at the integration's limits. `count` is the held deliveries released. Refused (409) during a maintenance window.
         */
        post: operations["integrations_release_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{id}/resend_waiting/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Credentials or mapping fixed: resend waiting orders
         * @description Sends again every erred order of this integration that is waiting on a credentials, configuration or mapping error (for a fix made outside Redrive, such as a new credential in the environment). Staff resend all of them; the owners and managers of the offerings that use the integration resend their offerings' orders. `count` is how many were sent again, `matched` how many were waiting, `skipped` the difference (changed by someone else meanwhile), by reason.
         */
        post: operations["integrations_resend_waiting_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{integration_id}/incidents/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Incidents of an integration
         * @description Its outages, newest first: when each began and ended (and how: the remote system answered, a window ended, a person released it), the transient failures counted in it, what its end sent again, the orders it affected (count) and the problems it caused.
         */
        get: operations["integrations_incidents_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{integration_id}/incidents/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One incident, with the orders it affected
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["integrations_incidents_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{integration_id}/maintenance_windows/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Maintenance windows of an integration
         * @description Planned downtime, by start; anyone who sees the integration sees them.
         */
        get: operations["integrations_maintenance_windows_list"];
        put?: never;
        /**
         * Plan a maintenance window
         * @description Nothing is sent to the integration from starts_at to ends_at. Staff, and the owners of the organizations whose offerings use the integration (the same who may set its limits); windows may overlap.
         */
        post: operations["integrations_maintenance_windows_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{integration_id}/maintenance_windows/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One maintenance window
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["integrations_maintenance_windows_retrieve"];
        put?: never;
        post?: never;
        /**
         * Remove a maintenance window
         * @description What a running window held goes out at the next release tick; `POST .../end/` ends it and releases at once. Staff, and the owners of the organizations whose offerings use the integration.
         */
        delete: operations["integrations_maintenance_windows_destroy"];
        options?: never;
        head?: never;
        /**
         * Move or extend a maintenance window
         * @description Send only what changes (starts_at, ends_at, note); the result must still end after it starts and in the future (400 naming the field). A window that has ended cannot be changed (409): plan a new one. Windows may overlap. Staff, and the owners of the organizations whose offerings use the integration.
         */
        patch: operations["integrations_maintenance_windows_partial_update"];
        trace?: never;
    };
    "/api/integrations/{integration_id}/maintenance_windows/{id}/end/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End a running maintenance window now
         * @description Its end moves to now and what it held is sent again at once, as when a window ends on time (held deliveries, and the orders that failed transiently during it). One not started yet is a 409 (move or remove it), one that has ended too. Staff, and the owners of the organizations whose offerings use the integration.
         */
        post: operations["integrations_maintenance_windows_end_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who I am
         * @description The logged-in user (session or API key): their roles, the organizations they own and the offerings they manage.
         */
        get: operations["me_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/offerings/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List offerings
         * @description Offerings of the organizations you own, those you manage, and those your organizations have ordered from (staff: all).
         */
        get: operations["offerings_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/offerings/{uuid}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One offering
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["offerings_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List orders
         * @description Orders of your organizations and offerings (staff: all), newest first (by failure time when a failure window is given). Filter with the query parameters; `search` matches part of the order number (with or without `RD-`), of the customer's name or of their e-mail, in any case (at least 3 characters); `integration` takes an integration's id or its name.
         */
        get: operations["orders_list"];
        put?: never;
        /**
         * Place an order
         * @description For consumers and shop systems: place an order for an organization you own. An update or terminate order names the resource it changes.
         */
        post: operations["orders_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One order
         * @description With its current error (message, traceback, kind), the next automatic retry, what is ordered and its resource's state.
         */
        get: operations["orders_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit an order
         * @description Change what is ordered (attributes) or who it is for (customer name and e-mail). Provider side only. `attributes` is a JSON Merge Patch (RFC 7396) of the order's attributes, not their new whole value: give only what changes, `null` to remove a key. The merged attributes are checked before anything is saved; an erred order that needed a person's fix is sent again with them at once.
         */
        patch: operations["orders_partial_update"];
        trace?: never;
    };
    "/api/orders/{uuid}/approve/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve an order
         * @description The consumer approves a pending_consumer order, the provider side a pending_provider one; an order that needs no further approval starts executing and is sent.
         */
        post: operations["orders_approve_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/attempts/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Delivery attempts of an order
         * @description Every try to send the order, oldest first (newest last), each with its outcome, the remote system's answer, the error and what the system decided next.
         */
        get: operations["orders_attempts_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/cancel/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an order
         * @description Cancel a pending order (or an executing order of a manual offering); consumer or staff.
         */
        post: operations["orders_cancel_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/deliveries/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Deliveries of an order
         * @description One row per integration the order is sent to (a route of its offering each), oldest first: its state, whether the order waits for it (required) and what it waits for, why it is held, how many attempts it took, the last attempt's outcome and error, and when the next attempt is due.
         */
        get: operations["orders_deliveries_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/deliveries/{id}/retry/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a failed delivery
         * @description Send the order again to this delivery's integration only; its other deliveries are left as they are (one that succeeded is never sent again). A required delivery of an erred order: the order's retry (its current error moves to the history, it is executing again, and done once every required delivery succeeded), unless another required delivery of it failed too: then the order stays erred and only this one goes. An optional delivery (of an executing, erred or done order): only it is sent, the order unchanged. A fresh automatic retry cycle starts. Provider side.
         */
        post: operations["orders_deliveries_retry_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/reject/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject an order
         * @description Reject a pending order; the reason is required and shown to the customer.
         */
        post: operations["orders_reject_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/retry/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry an erred order
         * @description Send the order again as it is now; its current error moves to the history and a fresh automatic retry cycle starts.
         */
        post: operations["orders_retry_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/set_done/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark an order done
         * @description For executing orders of manual (basic) offerings, fulfilled by a person.
         */
        post: operations["orders_set_done_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{uuid}/transitions/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * State history of an order
         * @description Every transition, oldest first: who (a username, or system), from, to, why, and what it replaced (a retry keeps the error it cleared in `details`).
         */
        get: operations["orders_transitions_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/facets/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count orders by failure kind and integration
         * @description The failed-orders screen's facets: the orders the list would give for the same query parameters (all of them but paging and ordering), counted by failure kind and by integration, in two queries whatever their number.
         */
        get: operations["orders_facets_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/resubmit/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resubmit erred orders
         * @description Send erred orders again, named by `uuids` (at most 1000) or selected by `filters` (the list's query parameters as a JSON object; no limit). Give exactly one of the two. With `dry_run` nothing changes and the answer says what would happen, with a preview: the orders that would be resubmitted by failure kind, integration and backend, how many need a person's fix (and of those, how many are unchanged since they failed), and the first 20 of them. `leave_out_action_required` leaves out the orders that failed as action required, in the dry run and the real run. Orders that are not erred, that you may not resubmit, that changed meanwhile, or (by uuid) that you cannot see are skipped with the reason; `skipped` lists the first 1000 of them.
         *
         *     A dry run also answers a `preview_token` (valid 15 minutes, for you only): confirm with `{"preview_token": ...}` alone to resubmit exactly the orders it counted; those changed since (retried, edited, succeeded) are skipped and counted under their reason, never added or dropped silently.
         *
         *     A real resubmit runs in the background as a bulk operation (202 with it, queued), whose progress `GET /api/bulk-operations/{id}/` shows at least once a second and `POST /api/bulk-operations/{id}/cancel/` stops. Only when the server sets a background threshold (`REDRIVE_BULK_BACKGROUND_THRESHOLD`, 0 by default) does a smaller one run during the request (200) and name the bulk operation it is recorded as.
         */
        post: operations["orders_resubmit_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organizations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List organizations
         * @description The organizations you own or whose offerings you manage (staff: all).
         */
        get: operations["organizations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organizations/{uuid}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One organization
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["organizations_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/problems/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List problems
         * @description Problems first, newest first: one per integration, kind and remote error code, each counting the orders that failed that way (orders, open_orders: those you may see) with first and last seen and the latest remote message; the orders inside are GET /api/alerts/?problem={id}. Filter by status, kind, code, integration (id or name), incident and needs_action.
         */
        get: operations["problems_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/problems/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One problem, with its latest orders
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["problems_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schema/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * @description OpenApi3 schema for this API. Format can be selected via content negotiation.
         *
         *     - YAML: application/vnd.oai.openapi
         *     - JSON: application/vnd.oai.openapi+json
         */
        get: operations["schema_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my API tokens
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["tokens_list"];
        put?: never;
        /**
         * Create an API token
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        post: operations["tokens_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tokens/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One of my API tokens
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        get: operations["tokens_retrieve"];
        put?: never;
        post?: never;
        /**
         * Revoke an API token
         * @description Mixed into every API view (``tests/api/test_query_params.py`` checks each).
         */
        delete: operations["tokens_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description * `resubmit` - Resubmit for provisioning
         * @enum {string}
         */
        ActionEnum: "resubmit";
        ActionRequired: {
            /** @description Of the orders to resubmit: failed for a reason a person must fix. */
            count: number;
            /** @description Of those: not edited since they failed; sent again as they are, they will most likely fail the same way. */
            unchanged_since_failure: number;
        };
        AgentOrder: {
            readonly order: {
                [key: string]: unknown;
            };
            attempts: number;
            /** Format: date-time */
            queued_at: string;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        AgentReport: {
            external_id?: string;
            message?: string;
            traceback?: string;
            code?: string;
            /** @default false */
            retryable: boolean;
        };
        Alert: {
            readonly id: number;
            readonly kind: components["schemas"]["KindEnum"];
            readonly kind_label: string;
            readonly severity: components["schemas"]["SeverityEnum"];
            readonly needs_action: boolean;
            /** @default open */
            readonly status: components["schemas"]["AlertStatusEnum"];
            /** @description The remote system's own message, the latest one. */
            readonly message: string;
            readonly integration: components["schemas"]["AlertIntegration"];
            /** @description Null for an alert about no order. */
            readonly order: components["schemas"]["AlertOrder"] | null;
            /** @description The problem it was last opened under (GET /api/alerts/?problem={id} lists the alerts under one). */
            readonly problem: number | null;
            /** @default  */
            readonly product_code: string;
            readonly occurrences: number;
            /** Format: date-time */
            readonly first_seen_at: string;
            /** Format: date-time */
            readonly last_seen_at: string;
            /**
             * Format: date-time
             * @description When it was raised, or raised again after closing.
             */
            readonly opened_at: string;
            readonly reopen_count: number;
            /** Format: date-time */
            readonly resolved_at: string | null;
            /** @description Who resolved it; null when the system did (the order succeeded). */
            readonly resolved_by: string | null;
            /** @description Why it was closed: 'success of order RD-...', 'dismissed by ...'. */
            readonly resolved_reason: string;
            /** Format: date-time */
            readonly dismissed_at: string | null;
            /** @description Who dismissed it. */
            readonly dismissed_by: string | null;
            /** @description The note the person who dismissed it last gave; may be empty. */
            readonly dismissed_note: string;
        };
        AlertContact: {
            readonly id: number;
            /** @description Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only. */
            readonly user: string | null;
            /** Format: email */
            readonly email: string;
            /** @description Where its e-mail goes now: empty for an inactive user, a user without an address, or an address the mail server refused. */
            readonly address: string;
            readonly organization: components["schemas"]["ScopeRef"] | null;
            readonly integration: components["schemas"]["ScopeRef"] | null;
            readonly frequency: components["schemas"]["FrequencyEnum"];
            /** @description Kinds wanted, a list of ['address_invalid', 'mapping_missing', 'credentials', 'validation', 'unavailable', 'retry_exhausted', 'giving_up', 'sync_failed']; empty: all. */
            readonly kinds: unknown;
            /** @description How it hears: some of ['email', 'webhook']. */
            readonly channels: unknown;
            /**
             * Format: uri
             * @description Where the webhook channel posts (https).
             */
            readonly webhook_url: string;
            /** @description Signs each webhook post (HMAC-SHA256). */
            readonly webhook_secret: string;
            /** @description The mail server refused its address for good (refused_reason says how); no mail goes to it until the address changes or clear_refusal is sent. */
            readonly refused: boolean;
            /** @description The address the mail server refused for good (a 5xx); no mail goes to it until the contact's address (or its user's) is another, or this is cleared. */
            readonly refused_address: string;
            /** Format: date-time */
            readonly refused_at: string | null;
            /** @description What the mail server said when it refused the address. */
            readonly refused_reason: string;
            /** Format: date-time */
            readonly created: string;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        AlertContactCreate: {
            email?: string;
            frequency?: components["schemas"]["FrequencyEnum"];
            kinds?: components["schemas"]["KindEnum"][];
            channels?: components["schemas"]["ChannelsEnum"][];
            webhook_url?: string;
            /** @description A user (by username), or give email. */
            user?: string | null;
            organization?: number | null;
            integration?: number | null;
        };
        /**
         * @description The note is optional: a dismissal without one is still recorded (who and when), as the
         *     admin's bulk dismiss allows; the dashboard asks for one.
         */
        AlertDismiss: {
            /** @description Why it is dismissed, for whoever looks next (optional; at most 500 characters). Shown as the alert's dismissed_note. */
            note?: string;
            /** @description Deprecated: the earlier name of note. Give one of the two. */
            reason?: string;
        };
        /** @description The integration an alert is about. */
        AlertIntegration: {
            readonly id: number;
            readonly name: string;
            /** @description The integration in the API. */
            readonly url: string;
        };
        /** @description The order an alert is about. */
        AlertOrder: {
            /** Format: uuid */
            readonly uuid: string;
            readonly number: string;
            /** @description The order in the API. */
            readonly url: string;
        };
        /**
         * @description * `open` - Open
         *     * `resolved` - Resolved
         *     * `dismissed` - Dismissed
         * @enum {string}
         */
        AlertStatusEnum: "open" | "resolved" | "dismissed";
        ApiRoot: {
            /**
             * Format: uri
             * @description GET orders
             */
            orders: string;
            /**
             * Format: uri
             * @description GET integrations
             */
            integrations: string;
            /**
             * Format: uri
             * @description GET organizations
             */
            organizations: string;
            /**
             * Format: uri
             * @description GET offerings
             */
            offerings: string;
            /**
             * Format: uri
             * @description GET alerts
             */
            alerts: string;
            /**
             * Format: uri
             * @description GET tokens
             */
            tokens: string;
            /**
             * Format: uri
             * @description GET agent_orders
             */
            agent_orders: string;
            /**
             * Format: uri
             * @description GET schema
             */
            schema: string;
            /**
             * Format: uri
             * @description GET docs
             */
            docs: string;
        };
        ApiToken: {
            readonly id: number;
            /** @description What the key is for, e.g. 'shop sync'. */
            readonly name: string;
            /** @description The key's first characters. */
            readonly prefix: string;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly last_used_at: string | null;
            /**
             * Format: date-time
             * @description After this the key is refused; empty: never.
             */
            readonly expires_at: string | null;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        ApiTokenCreate: {
            /** @description What the key is for. */
            name: string;
            /**
             * Format: date-time
             * @description When the key stops working; leave out: never. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00.
             */
            expires_at?: string | null;
        };
        Attempt: {
            readonly number: number;
            readonly trigger: components["schemas"]["TriggerEnum"];
            readonly actor: string | null;
            /** Format: date-time */
            readonly started_at: string;
            /** Format: date-time */
            readonly finished_at: string | null;
            readonly outcome: components["schemas"]["OutcomeEnum"];
            readonly remote_status: number | null;
            readonly error_code: string;
            readonly message: string;
            readonly traceback: string;
            /** @description What the system decided after this attempt, and why. */
            readonly decision: string;
        };
        AttemptHour: {
            /**
             * Format: date-time
             * @description The hour's start, UTC. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00.
             */
            hour_start: string;
            success: number;
            transient: number;
            action_required: number;
        };
        AttemptResult: {
            /** Format: int64 */
            number: number;
            outcome?: components["schemas"]["OutcomeEnum"] | components["schemas"]["BlankEnum"];
            error_code?: string;
            message?: string;
            /** Format: date-time */
            finished_at?: string | null;
            order_state: string;
        };
        /**
         * @description * `http_push` - HTTP push
         *     * `site_agent` - Site agent (pull)
         *     * `manual` - Manual
         * @enum {string}
         */
        BackendEnum: "http_push" | "site_agent" | "manual";
        /** @enum {unknown} */
        BlankEnum: "";
        Breaker: {
            state: components["schemas"]["BreakerStateEnum"];
            /**
             * Format: date-time
             * @description When it entered this state.
             */
            since: string | null;
            /** @description Why; may be empty. */
            reason: string;
            /** @description Transient failures in a row. */
            failures: number;
            /** @description Failures in a row that open it. */
            threshold: number;
            /**
             * Format: date-time
             * @description When one held delivery is let through to test the remote side (open or half-open breaker); null when closed.
             */
            next_probe_at: string | null;
        };
        /**
         * @description * `closed` - Closed
         *     * `open` - Open
         *     * `half_open` - Half open (probing)
         * @enum {string}
         */
        BreakerStateEnum: "closed" | "open" | "half_open";
        BulkOperation: {
            readonly id: number;
            readonly action: components["schemas"]["ActionEnum"];
            readonly source: components["schemas"]["SourceEnum"];
            readonly state: components["schemas"]["BulkOperationStateEnum"];
            readonly requested_by: string | null;
            /** @description The selection it was started with, as given. */
            readonly filters: {
                [key: string]: unknown;
            };
            /** @description A JSON Merge Patch on attributes applied to each order before it is sent again (edit many, then resend); none for a plain resubmit. */
            readonly patch: unknown;
            readonly total: number;
            readonly processed: number;
            readonly resubmitted: number;
            readonly skipped: number;
            readonly skipped_by_reason: {
                [key: string]: number;
            };
            /** @description processed of total, 0 to 100. */
            readonly progress_percent: number;
            readonly error: string;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly started_at: string | null;
            /**
             * Format: date-time
             * @description Last sign of life of the worker running it.
             */
            readonly heartbeat_at: string | null;
            /** Format: date-time */
            readonly cancel_requested_at: string | null;
            /** Format: date-time */
            readonly finished_at: string | null;
        };
        BulkOperationDetail: {
            readonly id: number;
            readonly action: components["schemas"]["ActionEnum"];
            readonly source: components["schemas"]["SourceEnum"];
            readonly state: components["schemas"]["BulkOperationStateEnum"];
            readonly requested_by: string | null;
            /** @description The selection it was started with, as given. */
            readonly filters: {
                [key: string]: unknown;
            };
            /** @description A JSON Merge Patch on attributes applied to each order before it is sent again (edit many, then resend); none for a plain resubmit. */
            readonly patch: unknown;
            readonly total: number;
            readonly processed: number;
            readonly resubmitted: number;
            readonly skipped: number;
            readonly skipped_by_reason: {
                [key: string]: number;
            };
            /** @description processed of total, 0 to 100. */
            readonly progress_percent: number;
            readonly error: string;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly started_at: string | null;
            /**
             * Format: date-time
             * @description Last sign of life of the worker running it.
             */
            readonly heartbeat_at: string | null;
            /** Format: date-time */
            readonly cancel_requested_at: string | null;
            /** Format: date-time */
            readonly finished_at: string | null;
            /** @description What became of the orders it sent again, by their state now: done, failed again, still in flight (always listed), then any other; each links to those orders. */
            readonly outcomes: components["schemas"]["Outcome"][];
        };
        /**
         * @description * `queued` - Queued
         *     * `running` - Running
         *     * `done` - Done
         *     * `failed` - Failed
         *     * `cancelled` - Cancelled
         * @enum {string}
         */
        BulkOperationStateEnum: "queued" | "running" | "done" | "failed" | "cancelled";
        /**
         * @description * `email` - E-mail
         *     * `webhook` - Webhook (signed JSON; Slack and Teams incoming webhooks too)
         * @enum {string}
         */
        ChannelsEnum: "email" | "webhook";
        Count: {
            name: string;
            count: number;
        };
        Delivery: {
            readonly id: number;
            readonly integration: {
                id: number;
                name: string;
            };
            /** @description queued, in_flight, succeeded, failed, held (see held_reason), or waiting (for the delivery named in waits_for to succeed). */
            readonly state: string;
            /** @description The order is done only when every required delivery succeeded; an optional one is retried and alerted, but never holds the order. */
            readonly required: boolean;
            /** @description The integration whose delivery of this order must succeed before this one is sent; null when it waits for none. */
            readonly waits_for: {
                id: number;
                name: string;
            } | null;
            /** @description breaker, maintenance or disabled while held; else empty. */
            readonly held_reason: string;
            readonly attempt_count: number;
            /** @description The last attempt's outcome; null before one. */
            readonly last_outcome: string | null;
            readonly last_error_code: string | null;
            /** @description The last attempt's message (its error). */
            readonly last_message: string | null;
            /** Format: date-time */
            readonly next_attempt_at: string | null;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly modified: string;
        };
        /**
         * @description * `answered` - The remote system answered
         *     * `window` - The maintenance window ended
         *     * `person` - Released by a person
         * @enum {string}
         */
        EndedByEnum: "answered" | "window" | "person";
        Error: {
            /** @description invalid, not_authenticated, authentication_failed, forbidden, not_found, conflict, ... */
            code: string;
            /** @description What went wrong, in words a person can act on. */
            message: string;
            /** @description Field errors ({field: [messages]}) for invalid input; otherwise the rule's context, such as the order's current state and the states the action is allowed from. */
            details: {
                [key: string]: unknown;
            };
        };
        FailingOrders: {
            /** @description Your erred orders at this integration. */
            total: number;
            /** @description Retried automatically. */
            transient: number;
            /** @description Waiting on a fix. */
            action_required: number;
            /** @description No automatic retry left. */
            exhausted: number;
        };
        FailureKindCount: {
            /** @description A failure kind (the list's `failure_kind`), or empty for orders without one. */
            failure_kind: string;
            label: string;
            count: number;
        };
        /**
         * @description * `transient` - Transient (retried automatically)
         *     * `action_required` - Action required
         *     * `exhausted` - Retry exhausted
         * @enum {string}
         */
        FailureKindEnum: "transient" | "action_required" | "exhausted";
        /**
         * @description * `immediate` - At once (kinds that need action); the rest hourly
         *     * `hourly` - Hourly digest
         *     * `daily` - Daily digest
         *     * `off` - Off
         * @enum {string}
         */
        FrequencyEnum: "immediate" | "hourly" | "daily" | "off";
        Held: {
            total: number;
            /** @description Held by the circuit breaker. */
            breaker: number;
            /** @description Held by a maintenance window. */
            maintenance: number;
            /** @description Held because the integration is disabled. */
            disabled: number;
        };
        Incident: {
            readonly id: number;
            /** Format: date-time */
            readonly started_at: string;
            /** Format: date-time */
            readonly ended_at: string | null;
            readonly ended_by: components["schemas"]["EndedByEnum"];
            readonly first_error: string;
            /** @description Transient failures recorded during it. */
            readonly failures: number;
            /** @description Deliveries sent again when it ended (held and erred). */
            readonly released: number;
            /** @description Orders with an attempt in it (failed in it or released). */
            readonly orders: number;
            readonly problems: components["schemas"]["IncidentProblem"][];
        };
        IncidentDetail: {
            readonly id: number;
            /** Format: date-time */
            readonly started_at: string;
            /** Format: date-time */
            readonly ended_at: string | null;
            readonly ended_by: components["schemas"]["EndedByEnum"];
            readonly first_error: string;
            /** @description Transient failures recorded during it. */
            readonly failures: number;
            /** @description Deliveries sent again when it ended (held and erred). */
            readonly released: number;
            /** @description Orders with an attempt in it (failed in it or released). */
            readonly orders: number;
            readonly problems: components["schemas"]["IncidentProblem"][];
            /** @description The first 100 orders it affected that you may see. */
            readonly affected: {
                [key: string]: unknown;
            }[];
        };
        IncidentProblem: {
            readonly id: number;
            readonly kind: components["schemas"]["KindEnum"];
            /** @description The remote system's error code; may be empty. */
            readonly code: string;
            readonly status: components["schemas"]["ProblemStatusEnum"];
            /** @description Alerts opened under it: one per order (or per product) affected. */
            readonly alerts_count: number;
        };
        /** @description An integration's configuration and its live status, computed by ``integration_list``. */
        Integration: {
            readonly id: number;
            readonly name: string;
            readonly backend: components["schemas"]["BackendEnum"];
            /** @description Where orders are POSTed; empty for site-agent and manual integrations. A user name and password set before they were refused are shown as ***. */
            readonly endpoint_url: string;
            /** @description Name of the environment variable holding the credential, e.g. ACME_API_TOKEN. */
            readonly credential_env_var: string;
            /** @description Values translated before sending, per attribute: {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}. Fixing a mapping resends the orders it failed. */
            readonly mapping: unknown;
            /** Format: double */
            readonly timeout_seconds: number;
            readonly enabled: boolean;
            readonly retry_policy: components["schemas"]["RetryPolicyEnum"];
            /** @description Fixed policy: the wait between retries. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            readonly retry_interval: string;
            /** @description Exponential policy: the first wait. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            readonly backoff_base: string;
            /**
             * Format: double
             * @description Exponential policy: each wait is this many times the last.
             */
            readonly backoff_factor: number;
            /** @description Exponential policy: the longest wait. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            readonly backoff_cap: string;
            /**
             * Format: double
             * @description Exponential policy: a random part of each wait, 0 to 1 (0.2: up to 20% shorter), so that retries of many orders spread out.
             */
            readonly backoff_jitter: number;
            /** @description No automatic retry after this. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            readonly max_retry_age: string;
            /** @description Give up after this many automatic attempts (optional). */
            readonly max_attempts: number | null;
            /** @description Consecutive transient failures that open the circuit breaker. */
            readonly breaker_threshold: number;
            /** @description Wait before the first probe. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            readonly breaker_cooldown: string;
            /** @description Most requests in flight to this system at once, across every worker on every host. */
            readonly max_in_flight: number;
            /** @description Most requests a second to this system, across every worker on every host. A 429 or Retry-After from it slows this down for a while. */
            readonly max_per_second: number;
            readonly breaker_state: components["schemas"]["BreakerStateEnum"];
            /** Format: date-time */
            readonly breaker_since: string | null;
            readonly breaker_reason: string;
            /** @description Deliveries waiting on the breaker or a maintenance window. */
            readonly held_deliveries: number;
            /**
             * Format: date-time
             * @description When the latest successful attempt ended.
             */
            readonly last_success_at: string | null;
            /**
             * Format: date-time
             * @description When the latest failed attempt ended.
             */
            readonly last_failure_at: string | null;
            /** Format: date-time */
            readonly created: string;
        };
        IntegrationActionResult: {
            /** @description How many deliveries or orders it sent again. */
            count: number;
            message: string;
        };
        IntegrationCount: {
            /** @description The list's `integration`; null for offerings done by hand. */
            id: number | null;
            name: string | null;
            count: number;
        };
        /** @description ``integrations.selectors.IntegrationHealth`` as the API shows it. */
        IntegrationHealth: {
            id: number;
            name: string;
            enabled: boolean;
            breaker: components["schemas"]["Breaker"];
            readonly held: components["schemas"]["Held"];
            /** @description Deliveries being sent now. */
            in_flight: number;
            /** @description Deliveries waiting for a worker. */
            queued: number;
            readonly failing_orders: components["schemas"]["FailingOrders"];
            /** Format: date-time */
            last_success_at: string | null;
            /** Format: date-time */
            last_failure_at: string | null;
            /** @description The window running now, if any. */
            maintenance_window: components["schemas"]["MaintenanceWindow"] | null;
            /** @description The next planned window, if any. */
            next_maintenance_window: components["schemas"]["MaintenanceWindow"] | null;
            limits: components["schemas"]["Limits"];
            /** @description The last 24 hours' finished attempts by outcome, oldest first; the last bucket is the current hour. */
            attempts_per_hour: components["schemas"]["AttemptHour"][];
        };
        /**
         * @description The settable fields: ``name`` and ``backend`` are required on create, the others get
         *     their defaults when left out; an edit (``partial=True``) sends only what changes.
         */
        IntegrationWrite: {
            name: string;
            backend: components["schemas"]["BackendEnum"];
            /** @description Required for http_push. */
            endpoint_url?: string;
            /** @description The NAME of the environment variable holding the credential, e.g. ACME_API_TOKEN; never the credential. */
            credential_env_var?: string;
            /** @description Values translated before sending: {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}. Changing it resends the orders that failed on an unmapped value. */
            mapping?: unknown;
            /**
             * Format: double
             * @description Seconds, above 0 and at most 3600.
             */
            timeout_seconds?: number;
            enabled?: boolean;
            retry_policy?: components["schemas"]["RetryPolicyEnum"];
            /** @description Fixed policy: the wait between retries; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            retry_interval?: string;
            /** @description Exponential policy: the first wait; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            backoff_base?: string;
            /**
             * Format: double
             * @description From 1 to 100.
             */
            backoff_factor?: number;
            /** @description The longest wait; at least backoff_base. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            backoff_cap?: string;
            /**
             * Format: double
             * @description From 0 to 1.
             */
            backoff_jitter?: number;
            /** @description No automatic retry after this; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            max_retry_age?: string;
            /** @description At least 1, or null for no limit. */
            max_attempts?: number | null;
            /** @description At least 1. */
            breaker_threshold?: number;
            /** @description Wait before the first probe; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            breaker_cooldown?: string;
            /** @description Most requests in flight at once, across every worker; at least 1. */
            max_in_flight?: number;
            /** @description Most requests a second, across every worker; at least 1. A 429 or Retry-After slows it down for a while. */
            max_per_second?: number;
        };
        IssuedApiToken: {
            readonly id: number;
            /** @description What the key is for, e.g. 'shop sync'. */
            readonly name: string;
            /** @description The key's first characters. */
            readonly prefix: string;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly last_used_at: string | null;
            /**
             * Format: date-time
             * @description After this the key is refused; empty: never.
             */
            readonly expires_at: string | null;
            /** @description The key itself, shown this once: only its digest is kept. */
            readonly key: string;
        };
        /**
         * @description * `address_invalid` - Invalid address
         *     * `mapping_missing` - Mapping missing (e.g. shipping method)
         *     * `credentials` - Credentials refused
         *     * `validation` - Rejected by the remote system
         *     * `unavailable` - Remote system unavailable
         *     * `retry_exhausted` - Retries exhausted
         *     * `giving_up` - Orders about to be given up
         *     * `sync_failed` - Sync failed (tracking, inventory)
         * @enum {string}
         */
        KindEnum: "address_invalid" | "mapping_missing" | "credentials" | "validation" | "unavailable" | "retry_exhausted" | "giving_up" | "sync_failed";
        Limits: {
            /** @description Most requests in flight at once. */
            max_in_flight: number;
            /** @description Most requests a second. */
            max_per_second: number;
        };
        MaintenanceWindow: {
            readonly id: number;
            /** Format: date-time */
            readonly starts_at: string;
            /** Format: date-time */
            readonly ends_at: string;
            readonly note: string;
            readonly created_by: string | null;
            /** Format: date-time */
            readonly created: string;
            /**
             * Format: date-time
             * @description When the deliveries it held were released.
             */
            readonly released_at: string | null;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        MaintenanceWindowCreate: {
            /**
             * Format: date-time
             * @description ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00.
             */
            starts_at: string;
            /**
             * Format: date-time
             * @description Later than starts_at, and in the future. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00.
             */
            ends_at: string;
            /** @default  */
            note: string;
        };
        Me: {
            readonly id: number;
            readonly username: string;
            /** @description Empty when none is set. */
            readonly email: string;
            readonly is_staff: boolean;
            /** @description The roles (groups) this user holds; a role gives the permissions, membership the scope. */
            readonly roles: components["schemas"]["RolesEnum"][];
            /** @description Holds a role (staff, organization owner or offering manager): without one every list of the dashboard answers 403. */
            readonly dashboard_access: boolean;
            readonly organizations_owned: components["schemas"]["MyOrganization"][];
            readonly offerings_managed: components["schemas"]["MyOffering"][];
        };
        MyOffering: {
            /** Format: uuid */
            readonly uuid: string;
            readonly name: string;
            readonly provider: string;
        };
        MyOrganization: {
            /** Format: uuid */
            readonly uuid: string;
            readonly name: string;
            /** @description It has offerings (the provider side), not only orders. */
            readonly is_provider: boolean;
        };
        Offering: {
            /** Format: uuid */
            readonly uuid: string;
            readonly name: string;
            readonly type: components["schemas"]["OfferingTypeEnum"];
            readonly provider: components["schemas"]["OrganizationRef"];
            readonly integration: {
                id?: number;
                name?: string;
            } | null;
            /** @description Orders go straight to executing after the consumer approves them. */
            readonly auto_approve: boolean;
            /** @description Attribute paths (like "shipping_address.postal_code") every order must have, not empty: checked when it is placed and before an edit is saved or sent again. */
            readonly required_attributes: string[];
            /** Format: date-time */
            readonly created: string;
        };
        OfferingRef: {
            /** Format: uuid */
            readonly uuid: string;
            name: string;
            type?: components["schemas"]["OfferingTypeEnum"];
        };
        /**
         * @description * `basic` - Basic (fulfilled manually)
         *     * `site_agent` - Site agent (pulled by an agent)
         *     * `remote` - Remote (pushed to an integration)
         * @enum {string}
         */
        OfferingTypeEnum: "basic" | "site_agent" | "remote";
        /** @description An order as lists show it: enough to find and triage a failed one. */
        Order: {
            /** Format: uuid */
            readonly uuid: string;
            readonly number: string;
            readonly state: components["schemas"]["OrderStateEnum"];
            readonly type: components["schemas"]["OrderTypeEnum"];
            readonly offering: components["schemas"]["OfferingRef"];
            readonly consumer_organization: components["schemas"]["OrganizationRef"];
            /** @description Name of the offering's main integration, if any (an offering may send its orders to more: `GET /api/orders/{uuid}/deliveries/` lists each). */
            readonly integration: string | null;
            /** @description An erred order: the integrations its failed deliveries go to, by name (an order sent to several systems may fail at two; one erred before it was sent: its offering's main integration). Empty for any other state. */
            readonly failed_integrations: string[];
            readonly customer_name: string;
            /** @description The customer's e-mail address; empty when none was given. */
            readonly customer_email: string;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly modified: string;
            /** Format: date-time */
            readonly erred_at: string | null;
            /**
             * @description Why the latest send failed; empty unless the order is erred.
             *
             *     * `transient` - Transient (retried automatically)
             *     * `action_required` - Action required
             *     * `exhausted` - Retry exhausted
             */
            readonly failure_kind: components["schemas"]["FailureKindEnum"] | components["schemas"]["BlankEnum"];
            /**
             * Format: date-time
             * @description When the next automatic retry is due, if any.
             */
            readonly next_retry_at: string | null;
            readonly error_message: string;
            /** @description The last error needs a person's fix before a retry can succeed: it failed as action required and the order has not been edited since (sent again as it is, it will most likely fail the same way). A retry is still allowed; warn before it. */
            readonly needs_fix_first: boolean;
            readonly rejection_reason: string;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        OrderCancel: {
            /** @default  */
            reason: string;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        OrderCreate: {
            /**
             * Format: uuid
             * @description UUID of the offering ordered from.
             */
            offering: string;
            /**
             * Format: uuid
             * @description UUID of the organization placing the order (one you own).
             */
            consumer_organization: string;
            /** @default create */
            type: components["schemas"]["OrderTypeEnum"];
            /** @description What is ordered: a JSON object. */
            attributes?: {
                [key: string]: unknown;
            };
            /** @default  */
            customer_name: string;
            customer_email?: string;
            /**
             * Format: uuid
             * @description UUID of the resource an update or terminate order changes.
             */
            resource?: string | null;
        };
        /** @description One order with its current error, what is ordered and the state of its resource. */
        OrderDetail: {
            /** Format: uuid */
            readonly uuid: string;
            readonly number: string;
            readonly state: components["schemas"]["OrderStateEnum"];
            readonly type: components["schemas"]["OrderTypeEnum"];
            readonly offering: components["schemas"]["OfferingRef"];
            readonly consumer_organization: components["schemas"]["OrganizationRef"];
            /** @description Name of the offering's main integration, if any (an offering may send its orders to more: `GET /api/orders/{uuid}/deliveries/` lists each). */
            readonly integration: string | null;
            /** @description An erred order: the integrations its failed deliveries go to, by name (an order sent to several systems may fail at two; one erred before it was sent: its offering's main integration). Empty for any other state. */
            readonly failed_integrations: string[];
            readonly customer_name: string;
            /** @description The customer's e-mail address; empty when none was given. */
            readonly customer_email: string;
            /** Format: date-time */
            readonly created: string;
            /** Format: date-time */
            readonly modified: string;
            /** Format: date-time */
            readonly erred_at: string | null;
            /**
             * @description Why the latest send failed; empty unless the order is erred.
             *
             *     * `transient` - Transient (retried automatically)
             *     * `action_required` - Action required
             *     * `exhausted` - Retry exhausted
             */
            readonly failure_kind: components["schemas"]["FailureKindEnum"] | components["schemas"]["BlankEnum"];
            /**
             * Format: date-time
             * @description When the next automatic retry is due, if any.
             */
            readonly next_retry_at: string | null;
            readonly error_message: string;
            /** @description The last error needs a person's fix before a retry can succeed: it failed as action required and the order has not been edited since (sent again as it is, it will most likely fail the same way). A retry is still allowed; warn before it. */
            readonly needs_fix_first: boolean;
            readonly rejection_reason: string;
            readonly error_traceback: string;
            /** @description What is ordered, the shipping address, ... */
            readonly attributes: unknown;
            readonly resource: components["schemas"]["ResourceRef"] | null;
            /** Format: date-time */
            readonly completed_at: string | null;
            /** Format: date-time */
            readonly consumer_reviewed_at: string | null;
            /** Format: date-time */
            readonly provider_reviewed_at: string | null;
        };
        OrderFacets: {
            /** @description Orders that match the filters. */
            total: number;
            /** @description Every failure kind, in a fixed order, with zero counts too; then the orders without one (empty `failure_kind`) when there are any. */
            by_failure_kind: components["schemas"]["FailureKindCount"][];
            /** @description The integrations of the matching orders, the largest count first. */
            by_integration: components["schemas"]["IntegrationCount"][];
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        OrderReject: {
            /** @description Why the order is rejected; shown to the customer. */
            reason: string;
        };
        /**
         * @description * `pending_consumer` - Pending consumer approval
         *     * `pending_provider` - Pending provider approval
         *     * `executing` - Executing
         *     * `done` - Done
         *     * `erred` - Erred
         *     * `canceled` - Canceled
         *     * `rejected` - Rejected
         * @enum {string}
         */
        OrderStateEnum: "pending_consumer" | "pending_provider" | "executing" | "done" | "erred" | "canceled" | "rejected";
        OrderTransition: {
            /** Format: date-time */
            readonly created: string;
            readonly transition: string;
            readonly source: string;
            readonly target: string;
            /** @description Username, or "system". */
            readonly actor: string;
            readonly reason: string;
            readonly details: unknown;
        };
        /**
         * @description * `create` - Create
         *     * `update` - Update
         *     * `terminate` - Terminate
         * @enum {string}
         */
        OrderTypeEnum: "create" | "update" | "terminate";
        Organization: {
            /** Format: uuid */
            readonly uuid: string;
            readonly name: string;
            /** Format: date-time */
            readonly created: string;
        };
        OrganizationRef: {
            /** Format: uuid */
            readonly uuid: string;
            name: string;
        };
        Outcome: {
            /** @description done, failed again, still in flight, or a state. */
            label: string;
            /** @description The orders' state now. */
            state: string;
            count: number;
            /** @description The orders list's URL that lists exactly these orders. */
            readonly orders: string;
        };
        /**
         * @description * `success` - Success
         *     * `transient` - Transient
         *     * `action_required` - Action Required
         * @enum {string}
         */
        OutcomeEnum: "success" | "transient" | "action_required";
        PaginatedAgentOrderList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["AgentOrder"][];
        };
        PaginatedAlertContactList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["AlertContact"][];
        };
        PaginatedAlertList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Alert"][];
        };
        PaginatedApiTokenList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["ApiToken"][];
        };
        PaginatedAttemptList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Attempt"][];
        };
        PaginatedBulkOperationList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["BulkOperation"][];
        };
        PaginatedDeliveryList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Delivery"][];
        };
        PaginatedIncidentList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Incident"][];
        };
        PaginatedIntegrationList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Integration"][];
        };
        PaginatedMaintenanceWindowList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["MaintenanceWindow"][];
        };
        PaginatedOfferingList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Offering"][];
        };
        PaginatedOrderList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Order"][];
        };
        PaginatedOrderTransitionList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["OrderTransition"][];
        };
        PaginatedOrganizationList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Organization"][];
        };
        PaginatedProblemList: {
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cD00ODY%3D"
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?cursor=cj0xJnA9NDg3
             */
            previous?: string | null;
            results: components["schemas"]["Problem"][];
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        PatchedAlertContactUpdate: {
            email?: string;
            frequency?: components["schemas"]["FrequencyEnum"];
            kinds?: components["schemas"]["KindEnum"][];
            channels?: components["schemas"]["ChannelsEnum"][];
            webhook_url?: string;
            /** @description true: send to the refused address again. */
            clear_refusal?: boolean;
        };
        /**
         * @description The settable fields: ``name`` and ``backend`` are required on create, the others get
         *     their defaults when left out; an edit (``partial=True``) sends only what changes.
         */
        PatchedIntegrationWrite: {
            name?: string;
            backend?: components["schemas"]["BackendEnum"];
            /** @description Required for http_push. */
            endpoint_url?: string;
            /** @description The NAME of the environment variable holding the credential, e.g. ACME_API_TOKEN; never the credential. */
            credential_env_var?: string;
            /** @description Values translated before sending: {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}. Changing it resends the orders that failed on an unmapped value. */
            mapping?: unknown;
            /**
             * Format: double
             * @description Seconds, above 0 and at most 3600.
             */
            timeout_seconds?: number;
            enabled?: boolean;
            retry_policy?: components["schemas"]["RetryPolicyEnum"];
            /** @description Fixed policy: the wait between retries; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            retry_interval?: string;
            /** @description Exponential policy: the first wait; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            backoff_base?: string;
            /**
             * Format: double
             * @description From 1 to 100.
             */
            backoff_factor?: number;
            /** @description The longest wait; at least backoff_base. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            backoff_cap?: string;
            /**
             * Format: double
             * @description From 0 to 1.
             */
            backoff_jitter?: number;
            /** @description No automatic retry after this; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            max_retry_age?: string;
            /** @description At least 1, or null for no limit. */
            max_attempts?: number | null;
            /** @description At least 1. */
            breaker_threshold?: number;
            /** @description Wait before the first probe; positive. At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS. */
            breaker_cooldown?: string;
            /** @description Most requests in flight at once, across every worker; at least 1. */
            max_in_flight?: number;
            /** @description Most requests a second, across every worker; at least 1. A 429 or Retry-After slows it down for a while. */
            max_per_second?: number;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        PatchedMaintenanceWindowCreate: {
            /**
             * Format: date-time
             * @description ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00.
             */
            starts_at?: string;
            /**
             * Format: date-time
             * @description Later than starts_at, and in the future. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00.
             */
            ends_at?: string;
            /** @default  */
            note: string;
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        PatchedOrderEdit: {
            /** @description A JSON Merge Patch (RFC 7396) of what is ordered: objects merge key by key and recursively, `null` removes a key, anything else (arrays, strings, numbers) replaces what was there. `{"shipping_address": {"postal_code": "10115"}}` changes the postal code and keeps the rest of the address, the SKU, the quantity and the shipping method. The result is checked as when placing the order (a JSON object; `name`, if given, a non-blank string of at most 200 characters) before anything is saved or sent: a bad result is a 400 naming the attribute (`details.attributes`) and changes nothing. */
            attributes?: {
                [key: string]: unknown;
            };
            customer_name?: string;
            customer_email?: string;
        };
        Problem: {
            readonly id: number;
            readonly kind: components["schemas"]["KindEnum"];
            readonly kind_label: string;
            /**
             * @description The remote system's error code; may be empty.
             * @default
             */
            readonly code: string;
            readonly severity: components["schemas"]["SeverityEnum"];
            readonly needs_action: boolean;
            /** @default open */
            readonly status: components["schemas"]["ProblemStatusEnum"];
            /** @description The remote system's message, the latest one. */
            readonly message: string;
            readonly integration: components["schemas"]["AlertIntegration"];
            readonly incident: number | null;
            /** @description Its alerts you may see: one per order (or product) affected, open or not. */
            readonly orders: number;
            /** @description Of those, the ones still open. */
            readonly open_orders: number;
            /** Format: date-time */
            readonly first_seen_at: string;
            /** Format: date-time */
            readonly last_seen_at: string;
            /** Format: date-time */
            readonly resolved_at: string | null;
            readonly resolved_reason: string;
            /** @description The orders inside, in the API. */
            readonly alerts_url: string;
        };
        ProblemDetail: {
            readonly id: number;
            readonly kind: components["schemas"]["KindEnum"];
            readonly kind_label: string;
            /**
             * @description The remote system's error code; may be empty.
             * @default
             */
            readonly code: string;
            readonly severity: components["schemas"]["SeverityEnum"];
            readonly needs_action: boolean;
            /** @default open */
            readonly status: components["schemas"]["ProblemStatusEnum"];
            /** @description The remote system's message, the latest one. */
            readonly message: string;
            readonly integration: components["schemas"]["AlertIntegration"];
            readonly incident: number | null;
            /** @description Its alerts you may see: one per order (or product) affected, open or not. */
            readonly orders: number;
            /** @description Of those, the ones still open. */
            readonly open_orders: number;
            /** Format: date-time */
            readonly first_seen_at: string;
            /** Format: date-time */
            readonly last_seen_at: string;
            /** Format: date-time */
            readonly resolved_at: string | null;
            readonly resolved_reason: string;
            /** @description The orders inside, in the API. */
            readonly alerts_url: string;
            /** @description The 20 orders under it seen last (all: alerts_url). */
            readonly latest: {
                [key: string]: unknown;
            }[];
        };
        /**
         * @description * `open` - Open
         *     * `resolved` - Resolved
         * @enum {string}
         */
        ProblemStatusEnum: "open" | "resolved";
        ResendWaitingResult: {
            /** @description Orders sent again (resubmitted). */
            count: number;
            /** @description Orders waiting on a credentials, configuration or mapping error that you may act on. */
            matched: number;
            /** @description Matched but not sent again (changed meanwhile); see skipped_by_reason. */
            skipped: number;
            skipped_by_reason: {
                [key: string]: number;
            };
            message: string;
        };
        ResourceRef: {
            /** Format: uuid */
            readonly uuid: string;
            name: string;
            state?: components["schemas"]["ResourceStateEnum"];
        };
        /**
         * @description * `creating` - Creating
         *     * `ok` - Ok
         *     * `erred` - Erred
         *     * `updating` - Updating
         *     * `terminating` - Terminating
         *     * `terminated` - Terminated
         * @enum {string}
         */
        ResourceStateEnum: "creating" | "ok" | "erred" | "updating" | "terminating" | "terminated";
        ResubmitBreakdown: {
            /** @description By failure kind, the largest first. */
            failure_kind: components["schemas"]["Count"][];
            /** @description By integration name, the largest first. */
            integration: components["schemas"]["Count"][];
            /** @description By integration backend, the largest first. */
            backend: components["schemas"]["Count"][];
        };
        /**
         * @description Refuses fields it does not know, instead of silently ignoring a typo, and values of the
         *     wrong JSON type, instead of converting them (the schema says ``additionalProperties:
         *     false`` for its bodies: ``core.api.schema``).
         */
        ResubmitRequest: {
            /** @description The orders to resubmit, at most 1000. */
            uuids?: string[];
            /** @description The orders to resubmit, selected with the same keys as the orders list's query parameters (state, type, offering, integration, organization, created_after, created_before, failed_after, failed_before, failure_kind, retry_scheduled, search), read the same way: `integration` an id or a name, `search` part of a number, name or e-mail. A value the list would refuse is a 400 naming the key, and nothing changes. With `integration`, the orders whose delivery to it failed are selected and only those deliveries are sent again. */
            filters?: {
                [key: string]: unknown;
            };
            /**
             * @description Only say what would happen (with a preview: breakdown, action required, sample); change nothing.
             * @default false
             */
            dry_run: boolean;
            /** @description A dry run's `preview_token`: resubmit exactly the orders it counted (alone, without `uuids` or `filters`). Yours only, until it expires (15 minutes). */
            preview_token?: string;
            /** @description Edit many, then resend: a JSON Merge Patch (RFC 7396) applied to the attributes of every order before it is sent again (objects merge key by key, `null` removes a key), recorded in each order's history. An order the patched attributes would leave without one of its offering's required attributes is skipped with a reason naming it and keeps its attributes. With `dry_run`, counted per reason; the preview token carries the patch, so confirm with the token alone. */
            attributes_patch?: unknown;
            /**
             * @description Leave out the orders whose failure needs a person's fix (failure kind action_required), in the dry run and the real run alike; `left_out_action_required` says how many.
             * @default false
             */
            leave_out_action_required: boolean;
        };
        ResubmitResult: {
            /** @description Orders found in your scope. */
            matched: number;
            /** @description Absent on a dry run. */
            resubmitted?: number;
            /** @description Only on a dry run. */
            would_resubmit?: number;
            /** @description Only on a dry run: the deliveries those orders would send (an order may go to several systems). Only failed ones are sent again, and with an `integration` filter only those to it; one that succeeded is never sent again. */
            would_send_deliveries?: number;
            skipped_count: number;
            skipped_by_reason: {
                [key: string]: number;
            };
            /** @description The first 1000 skipped orders. */
            skipped: components["schemas"]["SkippedOrder"][];
            dry_run: boolean;
            /** @description Orders of the selection left out as action required (`leave_out_action_required`); 0 without it. Not counted in `matched`. */
            left_out_action_required: number;
            /** @description The id of the bulk operation this resubmit is recorded as (`GET /api/bulk-operations/{id}/`); null on a dry run or when nothing matched. */
            bulk_operation: number | null;
            /** @description Only on a dry run: confirm with it to resubmit exactly the orders counted. */
            preview_token?: string;
            /** @description The attributes patch applied before resending (edit many); absent without. */
            attributes_patch?: unknown;
            /**
             * Format: date-time
             * @description Only on a dry run: when `preview_token` stops confirming.
             */
            preview_expires_at?: string;
            /** @description Only on a dry run: the orders that would be resubmitted. */
            breakdown?: components["schemas"]["ResubmitBreakdown"];
            /** @description Only on a dry run. */
            action_required?: components["schemas"]["ActionRequired"];
            /** @description Only on a dry run: the first 20 orders that would be resubmitted. */
            sample?: components["schemas"]["SampleOrder"][];
        };
        /**
         * @description * `fixed` - Fixed interval
         *     * `exponential` - Exponential backoff with jitter
         * @enum {string}
         */
        RetryPolicyEnum: "fixed" | "exponential";
        /**
         * @description * `Staff` - Staff
         *     * `Organization owners` - Organization owners
         *     * `Offering managers` - Offering managers
         * @enum {string}
         */
        RolesEnum: "Staff" | "Organization owners" | "Offering managers";
        SampleOrder: {
            /** Format: uuid */
            uuid: string;
            number: string;
            /** @description Empty when the order has none. */
            failure_kind: string;
            error_message: string;
        };
        ScopeRef: {
            readonly id: number;
            readonly name: string;
        };
        /**
         * @description * `info` - Info
         *     * `warning` - Warning
         *     * `error` - Error
         *     * `critical` - Critical
         * @enum {string}
         */
        SeverityEnum: "info" | "warning" | "error" | "critical";
        SkippedOrder: {
            /** Format: uuid */
            uuid: string;
            /** @description null for an unknown uuid. */
            number: string | null;
            reason: string;
        };
        /**
         * @description * `admin` - Admin
         *     * `api` - API
         *     * `command` - Command (manage.py)
         * @enum {string}
         */
        SourceEnum: "admin" | "api" | "command";
        /**
         * @description * `automatic` - Automatic
         *     * `release` - Release
         *     * `user` - User
         *     * `bulk` - Bulk
         *     * `edit` - Edit
         *     * `agent` - Agent
         * @enum {string}
         */
        TriggerEnum: "automatic" | "release" | "user" | "bulk" | "edit" | "agent";
        WindowEnd: {
            window: components["schemas"]["MaintenanceWindow"];
            /** @description Held deliveries and transiently failed orders sent again as it ended. */
            released: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    api_root: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiRoot"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    agent_orders_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedAgentOrderList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    agent_orders_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                result: string;
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AgentReport"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AttemptResult"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not an executing order of this agent */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The order is no longer executing */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alert_contacts_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedAlertContactList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alert_contacts_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AlertContactCreate"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertContact"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alert_contacts_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertContact"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alert_contacts_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alert_contacts_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedAlertContactUpdate"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertContact"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alerts_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Integration id, or its exact name (a name in another case is accepted when only one integration has it); an unknown one is a 400 naming it. An erred order matches where its delivery to that integration failed (an order sent to several systems); any other order where its offering sends orders there. */
                integration?: string;
                /**
                 * @description Repeatable.
                 *
                 *     * `address_invalid` - Invalid address
                 *     * `mapping_missing` - Mapping missing (e.g. shipping method)
                 *     * `credentials` - Credentials refused
                 *     * `validation` - Rejected by the remote system
                 *     * `unavailable` - Remote system unavailable
                 *     * `retry_exhausted` - Retries exhausted
                 *     * `giving_up` - Orders about to be given up
                 *     * `sync_failed` - Sync failed (tracking, inventory)
                 */
                kind?: ("address_invalid" | "credentials" | "giving_up" | "mapping_missing" | "retry_exhausted" | "sync_failed" | "unavailable" | "validation")[];
                needs_action?: boolean;
                /** @description Order UUID. */
                order?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
                /** @description A problem's id: the alerts (orders) under it. */
                problem?: number;
                /**
                 * @description open, resolved or dismissed; repeatable.
                 *
                 *     * `open` - Open
                 *     * `resolved` - Resolved
                 *     * `dismissed` - Dismissed
                 */
                status?: ("dismissed" | "open" | "resolved")[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedAlertList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alerts_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    alerts_dismiss_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AlertDismiss"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description In scope, but you may not dismiss alerts. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such alert in your scope. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The alert is not open (resolved or dismissed). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    bulk_operations_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedBulkOperationList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    bulk_operations_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkOperationDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    bulk_operations_cancel_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkOperationDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the object's current state, or someone else changed it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedIntegrationList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationWrite"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedIntegrationWrite"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Integration"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_health_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationHealth"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_release_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationActionResult"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the object's current state, or someone else changed it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_resend_waiting_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendWaitingResult"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_incidents_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path: {
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedIncidentList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_incidents_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IncidentDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_maintenance_windows_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path: {
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedMaintenanceWindowList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_maintenance_windows_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MaintenanceWindowCreate"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaintenanceWindow"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_maintenance_windows_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaintenanceWindow"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_maintenance_windows_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_maintenance_windows_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedMaintenanceWindowCreate"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaintenanceWindow"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the object's current state, or someone else changed it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    integrations_maintenance_windows_end_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                integration_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WindowEnd"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the object's current state, or someone else changed it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    me_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    offerings_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedOfferingList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    offerings_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Offering"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_list: {
        parameters: {
            query?: {
                bulk_operation?: number;
                /** @description Placed at or after. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                created_after?: string;
                /** @description Placed before. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                created_before?: string;
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Erred orders that failed at or after. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                failed_after?: string;
                /** @description Erred orders that failed before. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                failed_before?: string;
                /**
                 * @description Why it is erred now.
                 *
                 *     * `transient` - Transient (retried automatically)
                 *     * `action_required` - Action required
                 *     * `exhausted` - Retry exhausted
                 */
                failure_kind?: ("action_required" | "exhausted" | "transient")[];
                /** @description Integration id, or its exact name (a name in another case is accepted when only one integration has it); an unknown one is a 400 naming it. An erred order matches where its delivery to that integration failed (an order sent to several systems); any other order where its offering sends orders there. */
                integration?: string;
                /** @description Offering UUID. */
                offering?: string;
                /** @description Order by one field, `-` for descending (default `-created`; `-erred_at`, the newest failure first, when `failed_after` or `failed_before` is given). A field that can be empty (`erred_at`) lists only the rows that have it. */
                ordering?: "created" | "-created" | "number" | "-number" | "erred_at" | "-erred_at";
                /** @description Organization UUID: orders it placed or orders of its offerings. */
                organization?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
                /** @description Erred orders with (or without) an automatic retry due. */
                retry_scheduled?: boolean;
                /** @description Part of an order number (with or without its `RD-` prefix: a term that starts with it matches numbers from their start), of the customer's name or of their e-mail, in any case; a term with an `@` is looked for in e-mails only, one with a blank in names only. At least 3 characters besides the prefix: a shorter term would match a large share of all orders and cannot use the search indexes. */
                search?: string;
                /**
                 * @description * `pending_consumer` - Pending consumer approval
                 *     * `pending_provider` - Pending provider approval
                 *     * `executing` - Executing
                 *     * `done` - Done
                 *     * `erred` - Erred
                 *     * `canceled` - Canceled
                 *     * `rejected` - Rejected
                 */
                state?: ("canceled" | "done" | "erred" | "executing" | "pending_consumer" | "pending_provider" | "rejected")[];
                /**
                 * @description * `create` - Create
                 *     * `update` - Update
                 *     * `terminate` - Terminate
                 */
                type?: "create" | "terminate" | "update";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedOrderList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderCreate"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedOrderEdit"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the object's current state, or someone else changed it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_approve_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the order's current state (`details` gives it and the states the action is allowed from), or someone else changed the order at the same time. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_attempts_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedAttemptList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_cancel_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["OrderCancel"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the order's current state (`details` gives it and the states the action is allowed from), or someone else changed the order at the same time. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_deliveries_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedDeliveryList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_deliveries_retry_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Delivery"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The delivery has not failed, or the order is in a state it cannot be retried in (`details` gives both states and the allowed ones), or someone else changed the order at the same time. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_reject_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderReject"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the order's current state (`details` gives it and the states the action is allowed from), or someone else changed the order at the same time. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_retry_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the order's current state (`details` gives it and the states the action is allowed from), or someone else changed the order at the same time. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_set_done_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the order's current state (`details` gives it and the states the action is allowed from), or someone else changed the order at the same time. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_transitions_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedOrderTransitionList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_facets_retrieve: {
        parameters: {
            query?: {
                bulk_operation?: number;
                /** @description Placed at or after. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                created_after?: string;
                /** @description Placed before. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                created_before?: string;
                /** @description Erred orders that failed at or after. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                failed_after?: string;
                /** @description Erred orders that failed before. ISO 8601 date-time; without an offset it is UTC; offsets from -14:00 to +14:00. */
                failed_before?: string;
                /**
                 * @description Why it is erred now.
                 *
                 *     * `transient` - Transient (retried automatically)
                 *     * `action_required` - Action required
                 *     * `exhausted` - Retry exhausted
                 */
                failure_kind?: ("action_required" | "exhausted" | "transient")[];
                /** @description Integration id, or its exact name (a name in another case is accepted when only one integration has it); an unknown one is a 400 naming it. An erred order matches where its delivery to that integration failed (an order sent to several systems); any other order where its offering sends orders there. */
                integration?: string;
                /** @description Offering UUID. */
                offering?: string;
                /** @description Organization UUID: orders it placed or orders of its offerings. */
                organization?: string;
                /** @description Erred orders with (or without) an automatic retry due. */
                retry_scheduled?: boolean;
                /** @description Part of an order number (with or without its `RD-` prefix: a term that starts with it matches numbers from their start), of the customer's name or of their e-mail, in any case; a term with an `@` is looked for in e-mails only, one with a blank in names only. At least 3 characters besides the prefix: a shorter term would match a large share of all orders and cannot use the search indexes. */
                search?: string;
                /**
                 * @description * `pending_consumer` - Pending consumer approval
                 *     * `pending_provider` - Pending provider approval
                 *     * `executing` - Executing
                 *     * `done` - Done
                 *     * `erred` - Erred
                 *     * `canceled` - Canceled
                 *     * `rejected` - Rejected
                 */
                state?: ("canceled" | "done" | "erred" | "executing" | "pending_consumer" | "pending_provider" | "rejected")[];
                /**
                 * @description * `create` - Create
                 *     * `update` - Update
                 *     * `terminate` - Terminate
                 */
                type?: "create" | "terminate" | "update";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderFacets"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    orders_resubmit_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ResubmitRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResubmitResult"];
                };
            };
            /** @description Started in the background: the bulk operation, queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkOperationDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed from the object's current state, or someone else changed it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    organizations_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedOrganizationList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    organizations_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    problems_list: {
        parameters: {
            query?: {
                /** @description The remote system's error code, exactly. */
                code?: string;
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description An incident's id. */
                incident?: number;
                /** @description Integration id, or its exact name (a name in another case is accepted when only one integration has it); an unknown one is a 400 naming it. An erred order matches where its delivery to that integration failed (an order sent to several systems); any other order where its offering sends orders there. */
                integration?: string;
                /**
                 * @description Repeatable.
                 *
                 *     * `address_invalid` - Invalid address
                 *     * `mapping_missing` - Mapping missing (e.g. shipping method)
                 *     * `credentials` - Credentials refused
                 *     * `validation` - Rejected by the remote system
                 *     * `unavailable` - Remote system unavailable
                 *     * `retry_exhausted` - Retries exhausted
                 *     * `giving_up` - Orders about to be given up
                 *     * `sync_failed` - Sync failed (tracking, inventory)
                 */
                kind?: ("address_invalid" | "credentials" | "giving_up" | "mapping_missing" | "retry_exhausted" | "sync_failed" | "unavailable" | "validation")[];
                needs_action?: boolean;
                /** @description Number of results to return per page. */
                page_size?: number;
                /**
                 * @description open or resolved; repeatable.
                 *
                 *     * `open` - Open
                 *     * `resolved` - Resolved
                 */
                status?: ("open" | "resolved")[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedProblemList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    problems_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDetail"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schema_retrieve: {
        parameters: {
            query?: {
                format?: "json" | "yaml";
                lang?: "af" | "ar" | "ar-dz" | "ast" | "az" | "be" | "bg" | "bn" | "br" | "bs" | "ca" | "ckb" | "cs" | "cy" | "da" | "de" | "dsb" | "el" | "en" | "en-au" | "en-gb" | "eo" | "es" | "es-ar" | "es-co" | "es-mx" | "es-ni" | "es-ve" | "et" | "eu" | "fa" | "fi" | "fr" | "fy" | "ga" | "gd" | "gl" | "he" | "hi" | "hr" | "hsb" | "hu" | "hy" | "ia" | "id" | "ig" | "io" | "is" | "it" | "ja" | "ka" | "kab" | "kk" | "km" | "kn" | "ko" | "ky" | "lb" | "lt" | "lv" | "mk" | "ml" | "mn" | "mr" | "ms" | "my" | "nb" | "ne" | "nl" | "nn" | "os" | "pa" | "pl" | "pt" | "pt-br" | "ro" | "ru" | "sk" | "sl" | "sq" | "sr" | "sr-latn" | "sv" | "sw" | "ta" | "te" | "tg" | "th" | "tk" | "tr" | "tt" | "udm" | "ug" | "uk" | "ur" | "uz" | "vi" | "zh-hans" | "zh-hant";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.oai.openapi": {
                        [key: string]: unknown;
                    };
                    "application/yaml": {
                        [key: string]: unknown;
                    };
                    "application/vnd.oai.openapi+json": {
                        [key: string]: unknown;
                    };
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    tokens_list: {
        parameters: {
            query?: {
                /** @description The `next` or `previous` link's cursor; any other value is a 400. */
                cursor?: string;
                /** @description Number of results to return per page. */
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedApiTokenList"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    tokens_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiTokenCreate"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedApiToken"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server takes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not JSON (the API reads `application/json` only). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    tokens_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"];
                };
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    tokens_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input: `details` names each field and what is wrong with it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this to an object you can see. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object, or it is outside your organizations and offerings. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The URL is longer than 4,096 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
