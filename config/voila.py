"""Voilà settings of the NQP Lab app.

`python -m helpers.serve` (and `python3 run.py app`) start Voilà with
`--Voila.config_file_paths=[<repo>/config]`, so Voilà reads this file. (It lives in `config/`
because a `voila.py` at the top of the repository would shadow the `voila` package for any
Python started there.) Each setting was checked against `voila --help-all` of Voilà 0.5.13;
the README explains the choices.
"""

from helpers.serve import cell_timeout, kernel_pools_from_env, refill_delay

c = get_config()  # noqa: F821 -- provided by traitlets when Voilà loads this file

# Bound to loopback; never move silently to another port when the chosen one is taken.
c.Voila.ip = "127.0.0.1"
c.Voila.port_retries = 0
c.Voila.open_browser = False

# Our template: Voilà's "lab" template without CDN links, with a working kernel-shutdown beacon.
c.VoilaConfiguration.template = "nqp"
c.VoilaConfiguration.theme = "light"
# A query string may not switch the page to another template or theme.
c.VoilaConfiguration.allow_template_override = "NO"
c.VoilaConfiguration.allow_theme_override = "NO"
# The notebook list as plain HTML (the JupyterLab-based list logs widget-manager errors).
c.VoilaConfiguration.classic_tree = True
# Visitors see the story, not the code, and never a traceback.
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
# One kernel per notebook started and run ahead of the first visitor. Not combinable with
# progressive rendering, which stays off.
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 1
c.VoilaConfiguration.progressive_rendering = False
# A room: more preheated kernels for the pages a workshop uses (`run.py app --pool PAGE=N`),
# passed by the launcher in NQP_KERNEL_POOLS.
pools = kernel_pools_from_env()
if pools:
    c.VoilaKernelManager.kernel_pools_config = pools
# A kernel a visitor takes is replaced after 1 s, or after 60 s with a room's pools, so that a
# room arriving at once is not slowed by its own replacements (helpers.serve.refill_delay).
c.VoilaKernelManager.fill_delay = refill_delay()
# If jupytext is installed, its JupyterLab extension breaks Voilà's page (VOILA_NOTES.md).
c.VoilaConfiguration.extension_denylist = ["jupyterlab-jupytext"]
# Static files: images only; never notebooks or Python files.
c.VoilaConfiguration.file_allowlist = [r".*\.(png|jpg|gif|svg)"]
c.VoilaConfiguration.file_denylist = [r".*\.(ipynb|py)"]

# A cell that fails does not cut the page off: Voilà goes on with the next cells, so the
# footer still runs, the visitor arrives and the rest of the page works. The failed cell shows
# the sentence below instead of a traceback, and the page's header says which part failed and
# why, in the visitor's language (helpers.page.watch_cells).
c.VoilaExecutor.allow_errors = True
c.VoilaExecutor.cell_error_instruction = (
    "This part of the page could not be built. / 本部分未能生成。"
)

# A cell that runs too long at page load is stopped (60 s). The cell of each page tagged
# "builds-ahead" (it builds the page in every language) has 10 minutes: a room's pool preheats
# all at once. The one tagged "wait-for-visitor" (the footer) has no limit: in a preheated
# kernel it waits for the next visitor.
c.VoilaExecutor.timeout_func = cell_timeout
c.VoilaExecutor.interrupt_on_timeout = False

# Kernels talk to the server over Unix sockets, not TCP ports: 40 kernels started together on
# TCP picked the same free port twice, one died ("Address already in use") and the pool stayed
# one short. Nothing else on the machine can connect to a kernel either.
c.KernelManager.transport = "ipc"
# A kernel nobody is connected to is stopped after 15 idle minutes (pooled kernels never are).
c.MappingKernelManager.cull_idle_timeout = 900
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
