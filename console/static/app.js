// Inside Telegram, the Mini App's launch parameters come in the address's fragment
// (tgWebAppData): hand them to the server, which checks Telegram's signature. Outside
// Telegram there is nothing to send, and the page says to use the bot's link.
(function () {
  var params = new URLSearchParams(location.hash.slice(1));
  var data = params.get("tgWebAppData");
  if (!data) { return; }
  document.getElementById("initData").value = data;
  document.getElementById("tma").submit();
})();
