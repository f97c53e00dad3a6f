"""Scrapy settings for narcwatch crawls; per-source values (pace, proxy, browser) are added by crawlers.run.

Run through `narcwatch crawl`; `scrapy` commands also find this module through scrapy.cfg.
"""

import os

BOT_NAME = "narcwatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

# scrapy-playwright and our SOCKS handler are asyncio code.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "crawlers.handlers.SourceDownloadHandler",
    "https": "crawlers.handlers.SourceDownloadHandler",
}
# Crash-safe frontier: `kill -9` and the same command again resumes without losing requests.
SCHEDULER = "crawlers.scheduler.FrontierScheduler"
REQUEST_FINGERPRINTER_CLASS = "crawlers.fingerprint.MirrorFingerprinter"

DOWNLOADER_MIDDLEWARES = {
    # Outermost: sees only the failures no middleware turned into a retry, and marks them in the frontier.
    "crawlers.scheduler.FrontierDownloaderMiddleware": 0,
    "crawlers.middlewares.SourcePolicyMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.RetryAfterMiddleware": 550,
    "crawlers.middlewares.SessionMiddleware": 650,
    # Closest to the network: evidence holds the bytes exactly as they arrived.
    "crawlers.evidence.EvidenceMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    # A request is done in the frontier only once its callback's output has been handed on.
    "crawlers.scheduler.FrontierCompletionMiddleware": 55,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.EvidenceRequiredPipeline": 100,
    "crawlers.pipelines.HistoryPipeline": 300,
    "crawlers.pipelines.FeedPipeline": 900,
}
EXTENSIONS = {
    "crawlers.report.CrawlReport": 0,
    # No listening ports on an analysis host.
    "scrapy.extensions.telnet.TelnetConsole": None,
}
TELNETCONSOLE_ENABLED = False

# These sites publish no robots.txt worth obeying, and asking for one is a request the operator did not plan.
ROBOTSTXT_OBEY = False
COOKIES_ENABLED = True
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"

CONCURRENT_REQUESTS = 32
# Our item pipelines are synchronous: Scrapy's default of 100 item tasks per response only costs CPU
# (measured: +27% pages/s with 16, bench/crawl.py).
CONCURRENT_ITEMS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0

# Hostile pages: cut off big bodies and bombs (HttpCompressionMiddleware applies the same cap when inflating).
DOWNLOAD_MAXSIZE = 16 * 2**20
DOWNLOAD_WARNSIZE = 4 * 2**20
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
DEPTH_LIMIT = 0  # the spiders bound depth themselves and report it (config: limits.depth)

LOG_LEVEL = "INFO"

PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("NARCWATCH_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
        # WebRTC must not open UDP paths around the SOCKS proxy.
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    ],
}
PLAYWRIGHT_ABORT_REQUEST = "crawlers.browser.abort_request"
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
