"""Helpers shared by the browser journeys."""


class NoReload:
    """Proof that what happens next happens without loading a new document.

    Marks the window (a reload or a navigation would wipe the mark) and counts the
    navigations of the main frame from now on.
    """

    def __init__(self, page):
        self.page = page
        self.navigations = []
        page.on("framenavigated", self._record)
        page.evaluate("window.__marker = 1")

    def _record(self, frame):
        if frame == self.page.main_frame:
            self.navigations.append(frame.url)

    def check(self):
        assert self.page.evaluate("window.__marker") == 1, "the page was reloaded"
        assert self.navigations == [], f"the page navigated to {self.navigations}"
