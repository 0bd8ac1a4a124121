// The time left in a quiz attempt, counted down on the page. The server enforces the limit;
// this only tells the student.
const box = document.getElementById("time-left");
const counter = box?.querySelector("[data-countdown]");
if (box && counter) {
  const end = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    counter.textContent = minutes ? `${minutes} min ${left % 60} s` : `${left} seconds`;
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
}
