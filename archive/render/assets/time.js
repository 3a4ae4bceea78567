// Shows the times of a page in the reader's time zone. The pages say
// UTC, which is what a reader without JavaScript sees; this script
// rewrites each <time> that holds a moment (not a day alone) to the
// same format in local time, keeping the UTC text as its title. Text
// is set with textContent only. A <time data-day> shows the day alone
// (the days a timeline page spans), in local time too.
(function () {
  "use strict";
  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // zone names the reader's time zone at d: "CET", "GMT+9", "UTC".
  function zone(d) {
    try {
      var parts = new Intl.DateTimeFormat("en-GB", { timeZoneName: "short" }).formatToParts(d);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === "timeZoneName") { return parts[i].value; }
      }
    } catch (e) { /* no Intl: fall through */ }
    var off = -d.getTimezoneOffset();
    var sign = off < 0 ? "-" : "+";
    off = Math.abs(off);
    return "UTC" + sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  // format gives d as "2 Mar 2023, 19:01 GMT+9", the format the pages
  // use for UTC ("2 Mar 2023, 10:01 UTC").
  function format(d) {
    return d.getDate() + " " + months[d.getMonth()] + " " + d.getFullYear() + ", " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + zone(d);
  }

  function day(d) { return d.getDate() + " " + months[d.getMonth()] + " " + d.getFullYear(); }

  function localise(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var t = times[i];
      if (t.dataset.local || t.dateTime.indexOf("T") < 0) { continue; } // done, or a day alone
      var d = new Date(t.dateTime);
      if (isNaN(d.getTime())) { continue; }
      t.title = t.textContent + (t.hasAttribute("data-day") ? " (UTC)" : "");
      t.textContent = t.hasAttribute("data-day") ? day(d) : format(d);
      t.dataset.local = "1";
    }
  }

  window.fediportTime = { format: format, localise: localise };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localise(); });
  } else {
    localise();
  }
})();
