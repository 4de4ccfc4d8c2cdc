"""Common words the text check vouches for: a capitalised token in this list is not name-like.

Deliberately small and offline; forces extend it through ``vocabulary=`` (area names, local terms).
"""

from __future__ import annotations

__all__ = ["COMMON_WORDS"]

_WORDS = """
a about above across act action activity address after again against age ago agency all also
although always am among an analysis and another any anyone anything april are area areas around
arrest arrested as ask assessment assessed at attended august available away back bail based be
because been before behind being believed below between beyond both burglary but by call called
came can car cars case cash caution cctv change charge charged child children city close closed
come community concern concerns conditions confirmed contact continue could council county court
crime crimes criminal current daily data date day days december described details did do does
doing domestic done down drug drugs during each early east either else end england enquiries
evening ever every evidence example family february few find first five following for force
found four friday from further gang get given go going good government group groups had has have
having he her here high him his home hospital house how however i if in incident incidents
information intelligence into is it its january july june just known last late later least left
less like likely limited local location london long made main make male female man many march
may me meeting men might minor money monday month months more morning most much must my near
nearby never new next night nine no none north northern not nothing november now number october
of off offence offences offender offenders officer officers often old on once one only open
operation or order other others our out over own park part partner partners people per period
person persons phone place police possible premises present previous previously problem property
public reported report reports recent recently road same saturday school second seen september
service seven several she should since six so some someone something sometimes soon source south
southern staff still street subject subjects such sunday supply suspect suspected suspects take
taken team ten than that the their them then there these they third this those three through
thursday time times to today together told town tuesday two uk under unit unknown until up upon
us use used using vehicle vehicles very victim victims was we wednesday week weekend weeks well
went were west what when where whether which while who whom whose why will with within without
woman women work would year years yes yet you young your
anti-social antisocial asb robbery theft shoplifting violence sexual weapons weapon possession
criminal damage arson vehicle bicycle burglary dwelling residential commercial drugs cannabis
cocaine heroin county lines exploitation vulnerable safeguarding harm risk threat threats
graded grade grading handling sanitised sanitisation dissemination disseminated official sensitive
secret classification marking conditions condition caveat caveats reference references isa
policing purpose basis necessity proportionality recipient recipients register product products
hotspot hotspots map maps chart charts table tables figure profile profiles plan plans
collection question questions gap gaps priority owner deadline review reviewed status summary
findings recommendations recommendation prevention prevent enforcement reassurance appendix
scope aim terms background method methods results result limitations sector sectors ward wards
lsoa neighbourhood neighbourhoods centre center retail shop shops pub pubs bar bars club clubs
station stations estate estates flat flats block blocks lane road avenue close drive way
northshire county borough district region regional national partnership safety csp
ir ocg ocgs chis nim tcg ttcg stcg tor sara pestelo gi rri pai kde
name phone email vrm postcode address dob bank card ref withheld redacted iban
high medium low active inactive partial tasked answered closed draft submitted evaluated
class anpr cctv ripa ipa comms routine volunteered unanswerable overdue
"""

#: Lower-case words that are not name-like when capitalised.
COMMON_WORDS: frozenset[str] = frozenset(_WORDS.split())
