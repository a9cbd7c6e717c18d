"""The orders' Celery tasks: thin interfaces over services.

The services queue these tasks (after commit), so each task looks its service up when it
runs rather than importing it with the module.
"""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_bulk_operation(operation_id: int) -> None:
    """Run a bulk operation; a second delivery of the task is a no-op unless the first
    worker died (then it resumes after the last chunk that committed)."""
    from orders.services import bulk_operation_run

    bulk_operation_run(operation_id=operation_id)


@shared_task(ignore_result=True)
def resume_bulk_operations() -> None:
    """Beat: queue again the bulk operations whose worker died or whose task was lost."""
    from orders.services import bulk_operations_resume

    bulk_operations_resume()
