// Filter and search narrow the case rows live; without JavaScript every row stays visible.
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  var status = document.getElementById("status-filter");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var noMatch = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.case"));
  var areas = Array.prototype.slice.call(document.querySelectorAll("details.area"));

  function apply() {
    var want = status.value;
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var filtering = want !== "all" || words.length > 0;
    var count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-text");
      var match = (want === "all" || row.getAttribute("data-status") === want) &&
        words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) { count += 1; }
    });
    areas.forEach(function (area) {
      var visible = area.querySelector("tr.case:not([hidden])") !== null;
      // While filtering, an area without a matching case is noise; open the others.
      area.hidden = filtering && !visible;
      if (filtering && visible) { area.open = true; }
    });
    shown.textContent = count + " of " + rows.length + " cases shown";
    noMatch.hidden = count > 0 || rows.length === 0;
  }

  status.addEventListener("change", apply);
  search.addEventListener("input", apply);
  controls.hidden = false;
  apply();
})();
