"""Static markup of the heat matrix page and widget (controls and chart places, no data)."""

from __future__ import annotations

__all__ = ["BODY"]

#: The page's controls, matrix and histogram places (static markup: no data in it).
BODY = (
    '<div class="ib-bar" id="ib-filters">'
    '<label>Crime type <select id="ib-f-type"></select></label>'
    '<label>Area <select id="ib-f-area"></select></label>'
    '<label>From <select id="ib-f-from"></select></label>'
    '<label>To <select id="ib-f-to"></select></label>'
    '<button type="button" id="ib-reset">Reset</button>'
    '<span id="ib-status" role="status"></span></div>\n'
    '<div class="ib-heat-wrap"><table id="ib-heat" class="ib-heat"></table>'
    '<div id="ib-scale" class="ib-scale"></div></div>\n'
    '<div class="ib-hists"><figure><figcaption>By hour of day</figcaption>'
    '<svg id="ib-h-hour" class="ib-hist"></svg></figure>'
    '<figure><figcaption>By day of week</figcaption>'
    '<svg id="ib-h-day" class="ib-hist"></svg></figure>'
    '<figure><figcaption>By period</figcaption>'
    '<svg id="ib-h-period" class="ib-hist"></svg></figure></div>\n'
    '<ul id="ib-notes" class="ib-notes"></ul>')
