"""What every benchmark shares: its own database and broker, seeded data sets, child
processes, query counting, and the report (a plain-text table and ``bench/results/<name>.json``).

The benchmarks never touch the databases and Redis numbers the tests use: PostgreSQL database
``redrive_bench`` (``BENCH_DATABASE_URL``, created and migrated when missing) and Redis db 7
(``BENCH_BROKER_URL``), which a run flushes before and after itself.

Data sets are seeded once with ``COPY`` and reused: each lives under its own integration and
offering, and the ``bench_dataset`` table records its size and shape, so the next run with the
same parameters starts at once and a run with other parameters reseeds it.
"""

from bench.harness.datasets import (
    Dataset,
    dataset,
    extra_routes,
    park,
    reset_executing,
    run_sql,
    vacuum,
)
from bench.harness.environment import (
    BROKER_URL,
    DATABASE_URL,
    PYTHON,
    ROOT,
    add_common_arguments,
    broker_flush,
    child_env,
    configure,
    free_port,
    other_tests_running,
    staff_user,
    wait_for,
    wait_until_quiet,
    worker_env,
)
from bench.harness.measuring import (
    BatchMeter,
    EnqueueTimer,
    QueryCounter,
    QueryTimer,
    median,
    percentile,
)
from bench.harness.processes import (
    CpuMeter,
    Processes,
    RedisServer,
    celery_worker_command,
    peak_rss_mb,
    process_tree,
    procfile_worker_command,
    procfile_workers,
    sandbox_command,
    sandbox_ready,
)
from bench.harness.report import Target, report
from bench.harness.sandbox import sandbox, sandbox_reset, workers_ready

__all__ = [
    "BROKER_URL",
    "DATABASE_URL",
    "PYTHON",
    "ROOT",
    "BatchMeter",
    "CpuMeter",
    "Dataset",
    "EnqueueTimer",
    "Processes",
    "QueryCounter",
    "QueryTimer",
    "RedisServer",
    "Target",
    "add_common_arguments",
    "broker_flush",
    "celery_worker_command",
    "child_env",
    "configure",
    "dataset",
    "extra_routes",
    "free_port",
    "median",
    "other_tests_running",
    "park",
    "peak_rss_mb",
    "percentile",
    "process_tree",
    "procfile_worker_command",
    "procfile_workers",
    "report",
    "reset_executing",
    "run_sql",
    "sandbox",
    "sandbox_command",
    "sandbox_ready",
    "sandbox_reset",
    "staff_user",
    "vacuum",
    "wait_for",
    "wait_until_quiet",
    "worker_env",
    "workers_ready",
]
