"""Headless Chromium for the browser tests (Debian's ``chromium`` and ``chromium-driver``, driven by Selenium)."""
import contextlib
import shutil


def _find(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError(f"none of {', '.join(names)} is installed: apt-get install chromium chromium-driver")


def _settled_class():
    from selenium import webdriver
    from selenium.webdriver.support.wait import WebDriverWait

    class Settled(webdriver.Chrome):
        """Chrome whose ``get`` returns once the page asked for is the one shown and loaded.

        A CI run (stop 43) read no image at all on a tutorial page whose file has them, once in
        3,979 tests, and passed on the same page in every other run. The likeliest cause is a
        ``get`` that returned with the blank page still shown, whose empty DOM answered the query;
        waiting for an address and a loaded document rules that one out."""

        def get(self, url):
            super().get(url)
            WebDriverWait(self, 60).until(
                lambda d: d.current_url not in ("about:blank", "data:,")
                and d.execute_script("return document.readyState") == "complete")
    return Settled


@contextlib.contextmanager
def chromium(width=1280, height=1600):
    """A headless Chromium session; closed on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    _Settled = _settled_class()
    options = webdriver.ChromeOptions()
    options.binary_location = _find("chromium", "chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--disable-extensions"):
        options.add_argument(arg)
    driver = _Settled(service=Service(_find("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
