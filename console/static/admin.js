// Telegram's theme without Telegram's script: a Mini App's address carries the theme in
// its fragment (tgWebAppThemeParams, JSON of colours such as bg_color). Kept for the
// tab (sessionStorage), since the pages after sign-in have no fragment, and set as the
// --tg-theme-* variables console.css reads. Only known names and #rrggbb colours are
// taken, so a crafted address cannot put anything else into the page's style. It runs in
// <head>, before the page is drawn, so a dark theme does not flash white first.
(function () {
  var names = ["bg_color", "text_color", "hint_color", "link_color", "button_color", "button_text_color", "secondary_bg_color"];
  var key = "qamqor-theme";
  var theme = null;
  try {
    var raw = new URLSearchParams(location.hash.slice(1)).get("tgWebAppThemeParams");
    if (raw) {
      theme = JSON.parse(raw);
      sessionStorage.setItem(key, JSON.stringify(theme));
    } else {
      theme = JSON.parse(sessionStorage.getItem(key) || "null");
    }
  } catch (e) {
    theme = null;
  }
  if (!theme || typeof theme !== "object") { return; }
  var root = document.documentElement;
  names.forEach(function (name) {
    var v = theme[name];
    if (typeof v === "string" && /^#[0-9a-fA-F]{6}$/.test(v)) {
      root.style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), v);
    }
  });
  root.classList.add("tg-theme");
})();
