/* The statements of the admin's debate form (templates/admin/debates/debate/
   statement_inline.html), loaded as a file: the admin's Content-Security-Policy runs no
   inline script. Without it the form still works: the server checks every position.

   - Each position list offers the positions of the topic picked above, as soon as it is
     picked. The map of every topic's positions is the group's data-topic-positions.
   - "Add another statement" puts the keyboard in the new row's first field. */
"use strict";
{
  const narrowPositions = (group, topic, positions) => {
    const offered = positions[topic.value] || [];
    for (const select of group.querySelectorAll("select[name$='-position']")) {
      const chosen = select.value;
      const blank = select.querySelector("option[value='']");
      const options = blank ? [blank] : [];
      for (const [id, label] of offered) {
        const value = String(id);
        options.push(new Option(label, value, false, value === chosen));
      }
      select.replaceChildren(...options);
    }
  };

  const start = () => {
    const group = document.querySelector(".statement-entries[data-topic-positions]");
    if (!group) {
      return;
    }
    const topic = document.getElementById("id_topic");
    if (topic && topic.tagName === "SELECT") {
      const positions = JSON.parse(group.dataset.topicPositions);
      const narrow = () => narrowPositions(group, topic, positions);
      narrow();
      // The topic is an autocomplete (select2), which announces a choice with jQuery's
      // "change" only; jQuery's listener hears the browser's own too.
      if (window.django && django.jQuery) {
        django.jQuery(topic).on("change", narrow);
      } else {
        topic.addEventListener("change", narrow);
      }
    }
    group.addEventListener("formset:added", (event) => {
      const first = event.target.querySelector(
        ".statement-field input:not([type='hidden']), .statement-field select, .statement-field textarea"
      );
      if (first) {
        first.focus();
      }
    });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
