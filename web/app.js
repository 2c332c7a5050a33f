/*
 * app.js — small progressive enhancements; every page works without it.
 *
 * - forms with data-confirm ask before they submit (disable a user,
 *   revoke a key);
 * - buttons with data-copy copy the named field to the clipboard (the new
 *   API key);
 * - an opened "set password" panel and the narrow-screen navigation close
 *   on Escape or a click elsewhere.
 *
 * Loaded with defer from /static (the Content-Security-Policy allows no
 * inline script); it must never be needed to read or submit anything.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var copyButtons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(copyButtons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        window.setTimeout(function () {
          button.textContent = label;
        }, 2000);
      });
    });
    field.addEventListener("focus", function () {
      field.select();
    });
  });

  function closeMenus(except) {
    Array.prototype.forEach.call(document.querySelectorAll("details.inline-details[open]"), function (d) {
      if (d !== except) {
        d.open = false;
      }
    });
  }

  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details.inline-details");
    closeMenus(inside);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    closeMenus(null);
    var toggle = document.getElementById("nav-toggle");
    if (toggle && toggle.checked) {
      toggle.checked = false;
    }
  });
})();
