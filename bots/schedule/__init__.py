"""`advocacy-bot schedule`: every job on its cron expression from the profile, unattended.

The profile's ``[schedule]`` table names a crontab expression per job (minute hour day month
weekday; weekday 0 or 7 is Sunday, as in crontab; an optional leading seconds field is allowed,
which the tests use) and a few settings::

    [schedule]
    harvest = "*/15 * * * *"
    index = "5,20,35,50 * * * *"
    misfire_grace_time = 300   # a run missed by up to this many seconds still runs (once)
    # timeout = 3000           # seconds a run may take; default 90% of the job's interval,
                               # at least 60 s and at most 3000 s
    # shutdown_grace = 120     # on SIGTERM/SIGINT, how long the running job may finish
    # timezone = "UTC"
    # state_dir = ".state"     # the lock, the run record and the logs (or $ADVOCACY_STATE_DIR)
    # command = ["/path/to/venv/bin/advocacy-bot"]   # how a job is started

How it behaves:

- **One job at a time.** Runs are serialised: the wiki sees one bot process, and no job reads the
  snapshot while harvest is half way through writing it. A job fired while another runs waits for
  it; with ``max_instances=1`` a job never queues behind itself, and with ``coalesce`` the runs it
  missed (the machine slept, a long job blocked it) become one run, if they are no older than
  ``misfire_grace_time``.
- **Fresh data first.** A job listed in :data:`bots.jobs.registry.DEPENDS` (index, roster,
  newsletter, digest depend on harvest) runs harvest first, in the same tick, when the last
  successful harvest is older than the job's own interval. "Last successful harvest" is this
  scheduler's own record (``<state dir>/schedule-<profile>.json``, kept across restarts), not the
  wiki: an incremental harvest with nothing new makes no edit, so the snapshot page's timestamp
  says nothing about how fresh it is. With the usual schedules (harvest a few minutes before
  index) the extra harvest happens only after a failed or missed one.
- **Each run is a child process** (``python -m bots --profile P run JOB``): it gets a fresh
  pywikibot, and a run that hangs is ended at its timeout (SIGTERM to its process group, SIGKILL
  10 s later) without blocking the scheduler. Its output is relayed into the scheduler's log;
  its counts (``--stats-json``) are logged when it ends.
- **Clean shutdown.** SIGTERM or SIGINT stops the scheduling at once; a running job may finish
  for ``shutdown_grace`` seconds, then it is terminated. A second signal terminates it at once.
- **One scheduler.** ``<state dir>/scheduler-<profile>.lock`` is held with ``flock`` for the
  scheduler's lifetime; a second scheduler for the same profile exits at once (status 3) naming
  the first one's pid. The kernel releases the lock when the process dies, however it dies.

The package: :mod:`~bots.schedule.cron` (crontab expressions as APScheduler triggers),
:mod:`~bots.schedule.settings` (the ``[schedule]`` table, one spec per job),
:mod:`~bots.schedule.lock` (one scheduler per profile), :mod:`~bots.schedule.record` (when
each job last ran and succeeded), :mod:`~bots.schedule.runner` (the loop, and each run as a
child process, through the states of :class:`~bots.schedule.runner.RunState`).
"""
