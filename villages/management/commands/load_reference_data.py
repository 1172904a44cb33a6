from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from villages.services import read_region_fixture, read_village_fixture, regions_load, villages_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REGIONS_FIXTURE = FIXTURES / "regions-shanxi.csv"
VILLAGES_FIXTURE = FIXTURES / "villages-shanxi.csv"


class Command(BaseCommand):
    help = (
        "Load Shanxi's reference data from the committed fixtures: the province, 11 cities, 121 "
        "county-level units, 1,352 townships and 21,895 village-level units, creating and updating "
        "by division code. Village categories are not reference data and are never touched. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=Path, default=REGIONS_FIXTURE, help=f"region fixture (default: {REGIONS_FIXTURE})")
        parser.add_argument("--villages", type=Path, default=VILLAGES_FIXTURE, help=f"village fixture (default: {VILLAGES_FIXTURE})")
        parser.add_argument("--no-villages", action="store_true", help="load the regions only")

    def handle(self, *args, regions: Path, villages: Path, no_villages: bool, **options):
        self.stdout.write(f"行政区划：{regions_load(rows=read_region_fixture(regions))}")
        if not no_villages:
            self.stdout.write(f"村：{villages_load(rows=read_village_fixture(villages))}")
