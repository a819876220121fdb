"""Step 5, Try it: the trained model judges the live camera, with a confidence bar per class.

When the model is wrong, the visitor taps the right class and the frame it judged becomes a photo
of that class (human-in-the-loop correction, docs/architecture.md#research): the next training run learns
from the mistake. When it hesitates (`kiosk/live/question.py`), the row of classes becomes a question,
"Is it A or B?", with the two classes and "Neither" as big buttons: the answer keeps the frame it
asked about as a photo of that class, the same way a correction does; "Neither" keeps nothing and says
that something new needs its own class. One question per object: after an answer the thanks stay up
for `THANKS_S` and the kiosk asks again only once the stage was empty or the model sure, and an
unanswered question goes away when the model has been sure for `SETTLE_S` (the visitor has moved on
to something it knows).

"What does it look at?" freezes the current frame and shows the occlusion saliency over it, which is
how a visitor discovers the model watching the background or the hand.

A model taught from good parts only (a one-class project) answers "Looks good." or "Anomaly (score
...)", with one bar filling up to its threshold, and its heat map lies over every live frame, on the
square of the frame it judged (`kiosk/live/prediction.py`, `heat_over`): the visitor sees where the
part is unlike the good ones while moving it.

The answer says "I don't see anything" on an empty stage, and "Not sure: is it A or B?" or "I don't
know this one" when the model's open-set rule withholds its label (`kiosk/live/prediction.py`); the
bars still show what it would have said, with no class in green.
"""

from __future__ import annotations

from typing import ClassVar

from PIL import Image
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static
from textual.worker import get_current_worker

from kiosk.learning.model_dir import TrainedModel
from kiosk.live.prediction import Answer, NoModel, answer, current_model, heat_over, saliency_image
from kiosk.live.question import question
from kiosk.live.view import FpsMeter, preview_image
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.widgets.picture import Picture

BAR_CELLS = 18
LABEL_CELLS = 12
SETTLE_S = 2.0
"""An open question closes after the model has been sure for this long without a doubt in between."""
THANKS_S = 3.0
"""After an answer, no new question for this long: the visitor reads what became of their answer."""
CORRECT_PROMPT = "Wrong? Tap the right class:"
NEITHER_SAID = "OK, not kept. If it is something new, add a class for it in step 1."


def confidence_bars(result: Answer) -> Table:
    """One row per class: label, a bar as long as the model's confidence, the percentage; the most
    likely class in bold green unless the answer was withheld. Rich's bar has no animation, so
    snapshots are stable. An anomaly model's answer has one bar, its score up to its threshold, red
    when over it."""
    table = Table.grid(padding=(0, 1))
    if result.unusual is not None:
        unusual = result.unusual
        style = "bold red" if unusual.flagged else "bold green"
        filled = min(unusual.score / unusual.threshold, 1.0)
        bar = ProgressBar(total=1.0, completed=filled, width=BAR_CELLS, complete_style=style)
        table.add_row(Text("unusual", style=style), bar, Text(f"{unusual.score:.2f}", style=style))
        return table
    best = result.best[0] if result.rejection is None else None
    for label, probability in zip(result.labels, result.probabilities, strict=True):
        style = "bold green" if label == best else ""
        bar = ProgressBar(total=1.0, completed=probability, width=BAR_CELLS, complete_style=style or "white")
        table.add_row(Text(label[:LABEL_CELLS], style=style), bar, Text(f"{probability:4.0%}", style=style))
    return table


class TryScreen(StepScreen):
    STEP_KEY = "try"

    SALIENCY_OFF: ClassVar[str] = "What does it look at?"
    SALIENCY_ON: ClassVar[str] = "Back to live"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model: TrainedModel | None = None
        self.latest: Answer | None = None
        """The last answer that judged something: what a correction stores (an empty stage keeps
        it, so a visitor who has put the object down can still say what it was)."""
        self.frozen = False
        """Showing the saliency of one frame instead of the live view."""
        self.frames_shown = 0
        self.class_ids: dict[str, int] = {}
        """The project's classes by label (the step changes none of them)."""
        self.asked: Answer | None = None
        """The frame the open question is about, the one that raised it (a doubt about another pair
        of classes, most likely another object, asks anew); None with no question."""
        self.pair: tuple[str, str] = ("", "")
        """The two classes the open question offers, as its first and second button."""
        self.answered = False
        """The visitor answered about the object in view: no new question until it is gone."""
        self.quiet_until = float("-inf")
        """No question before this time (`kiosk.clock`): the last answer's thanks are being read."""
        self.sure_since: float | None = None
        """When the model's current run of sure answers began (`kiosk.clock`), while a question is open."""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="try-main"):
            yield Picture(id="try-preview")
            with Vertical(id="try-side"):
                yield Static("Loading the model…", id="try-answer")
                yield Static("", id="try-bars")
                yield Static("-- fps", id="try-fps")
                yield Button(self.SALIENCY_OFF, id="try-saliency", disabled=True)
        yield Static(CORRECT_PROMPT, id="try-correct-label")
        yield Horizontal(id="try-correct")
        with Horizontal(id="try-ask"):
            yield Button("", id="ask-first", classes="ask", variant="primary")
            yield Button("", id="ask-second", classes="ask", variant="primary")
            yield Button("Neither", id="ask-neither", classes="ask")

    async def on_mount(self) -> None:
        classes = self.session.project.classes()
        self.class_ids = {info.label: info.id for info in classes}
        # A bar per class, shown or not: an empty stage must not pull the button below up under a finger.
        self.query_one("#try-bars", Static).styles.min_height = len(classes)
        picker = self.query_one("#try-correct", Horizontal)
        await picker.mount_all(
            [
                Button(Text(info.label), id=f"correct-{info.id}", classes="correct", disabled=True)
                for info in classes
            ]
        )
        self.run_in_thread(self._live_loop, name="try it", group="camera", exclusive=True)

    # -- the camera thread ---------------------------------------------------------------------

    def _live_loop(self) -> None:
        worker, app = get_current_worker(), self.kiosk  # the app, while this screen is still mounted
        try:
            model = current_model(self.session.project, self.session.backbone)
        except NoModel as exc:
            app.call_from_thread(self.no_model, str(exc))
            return
        app.call_from_thread(self.model_ready, model)
        meter = FpsMeter()
        while not worker.is_cancelled:
            frame = self.session.next_frame()
            if self.frozen:
                continue
            result = self.session.masker.preview(frame.image)
            found = answer(model, self.session.backbone, frame.image, result)
            meter.tick(app.clock())
            image = heat_over(preview_image(frame.image, result), found, frame.image.shape[1::-1])
            if worker.is_cancelled:
                return
            app.call_from_thread(self.show_answer, image, found, meter.text())

    def no_model(self, reason: str) -> None:
        if not self.is_current:
            return
        self.query_one("#try-answer", Static).update(Text(reason))
        self.set_hint(reason, warning=True)

    def model_ready(self, model: TrainedModel) -> None:
        self.model = model
        if not self.is_current:
            return
        self.query_one("#try-answer", Static).update("Show it something!")

    def show_answer(self, image: Image.Image, found: Answer, fps: str) -> None:
        if self.frozen or not self.is_current:  # left the step, or a card is open over it
            return
        self.query_one("#try-preview").image = image  # type: ignore[attr-defined]
        self.query_one("#try-answer", Static).update(Text(found.headline))
        self.query_one("#try-bars", Static).update(confidence_bars(found) if found.seen else "")
        self.query_one("#try-fps", Static).update(fps)
        self.frames_shown += 1
        self.follow_doubt(found)
        if not found.seen:
            return
        self.latest = found
        for button in self.query("Button.correct"):
            button.disabled = False
        self.query_one("#try-saliency", Button).disabled = False

    # -- the question --------------------------------------------------------------------------

    def follow_doubt(self, found: Answer) -> None:
        """Open, refresh or settle the question after one more frame."""
        pair = question(found)
        now = self.kiosk.clock()
        if pair is not None and set(pair) <= self.class_ids.keys():
            if not self.answered and now >= self.quiet_until and (self.asked is None or pair != self.pair):
                self.ask(found, pair)
            self.sure_since = None
        elif pair is None and (not found.seen or found.rejection is None):
            self.answered = False  # the object left, or the model knows it: the next doubt is new
            if found.seen and self.asked is not None:
                self.sure_since = now if self.sure_since is None else self.sure_since
                if now - self.sure_since >= SETTLE_S:
                    self.close_question(CORRECT_PROMPT)

    def ask(self, found: Answer, pair: tuple[str, str]) -> None:
        """Ask about this frame: the answer will keep it, whatever the camera sees meanwhile."""
        self.asked, self.pair = found, pair
        first, second = pair
        self.query_one("#ask-first", Button).label = Text(first)
        self.query_one("#ask-second", Button).label = Text(second)
        self.query_one("#try-correct-label", Static).update(Text(f"Is it {first} or {second}? Tap it:"))
        self.query_one("#try-correct").display = False
        self.query_one("#try-ask").display = True

    def close_question(self, message: str) -> None:
        self.asked, self.sure_since = None, None
        self.query_one("#try-ask").display = False
        self.query_one("#try-correct").display = True
        self.query_one("#try-correct-label", Static).update(Text(message))

    def answer_question(self, button: str) -> None:
        """The visitor's answer: the frame asked about becomes a photo of the class tapped, or nothing."""
        found = self.asked
        if found is None:
            return
        self.answered, self.quiet_until = True, self.kiosk.clock() + THANKS_S
        if button == "ask-neither":
            self.close_question(NEITHER_SAID)
            return
        label = self.pair[0] if button == "ask-first" else self.pair[1]
        self.close_question(self.keep(found, self.class_ids[label]))

    # -- corrections and saliency -----------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("correct-"):
            event.stop()
            if self.latest is not None:
                message = self.keep(self.latest, int(button.removeprefix("correct-")))
                self.query_one("#try-correct-label", Static).update(Text(message))
        elif button.startswith("ask-"):
            event.stop()
            self.answer_question(button)
        elif button == "try-saliency":
            event.stop()
            self.toggle_saliency()

    def keep(self, found: Answer, class_id: int) -> str:
        """Keep a judged frame, with its mask, as a photo of the class the visitor says it is; what
        to tell them."""
        project = self.session.project
        project.add_sample(found.subject, class_id, "camera", mask=found.mask)
        label = project.get_class(class_id).label
        return f"Thanks! Added as a photo of {label}. Train again to teach it."

    def toggle_saliency(self) -> None:
        button = self.query_one("#try-saliency", Button)
        if self.frozen:
            self.frozen = False
            button.label = self.SALIENCY_OFF
            return
        if self.latest is None or self.model is None:
            return
        self.frozen = True
        button.label = self.SALIENCY_ON
        self.query_one("#try-answer", Static).update("Looking at what mattered…")
        self.run_in_thread(self._saliency, self.model, self.latest, name="saliency", group="saliency")

    def _saliency(self, model: TrainedModel, found: Answer) -> None:
        app = self.kiosk
        image, caption = saliency_image(model, self.session.backbone, found.subject)
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self.show_saliency, image, caption)

    def show_saliency(self, image: Image.Image, caption: str) -> None:
        if not (self.frozen and self.is_current):
            return
        self.query_one("#try-preview").image = image  # type: ignore[attr-defined]
        self.query_one("#try-answer", Static).update(Text(caption))
