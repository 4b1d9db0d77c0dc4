# Run by the glitchtip-init service of docker-compose.yml, inside the GlitchTip image:
#   ./manage.py shell < /obsynth/provision.py
# Creates (once; reruns find what exists) an admin user, an organisation, a team and a project
# for the shop, and writes the project's DSN -- pointing at the GlitchTip web service as the
# obsynth container reaches it -- to $OBSYNTH_DSN_FILE for obsynth's sentry sink (SENTRY_DSN).
import os

from allauth.account.models import EmailAddress

from apps.organizations_ext.models import Organization
from apps.projects.models import Project, ProjectKey
from apps.teams.models import Team
from apps.users.models import User

email = os.environ["GLITCHTIP_ADMIN_EMAIL"]
password = os.environ["GLITCHTIP_ADMIN_PASSWORD"]
org_slug = os.environ.get("GLITCHTIP_ORG", "obsynth")
project_name = os.environ.get("GLITCHTIP_PROJECT", "shop")
ingest = os.environ["OBSYNTH_DSN_HOST"]  # host:port obsynth sends envelopes to
dsn_file = os.environ["OBSYNTH_DSN_FILE"]

user = User.objects.filter(email=email).first()
if user is None:
    user = User.objects.create_user(email=email, password=password)
    user.is_staff = True
    user.is_superuser = True
    user.save()
EmailAddress.objects.get_or_create(user=user, email=email, defaults={"primary": True, "verified": True})

org, _ = Organization.objects.get_or_create(slug=org_slug, defaults={"name": org_slug})
if not org.users.filter(pk=user.pk).exists():
    org.add_user(user)

project = Project.objects.filter(organization=org, name=project_name).first()
if project is None:
    project = Project.objects.create(organization=org, name=project_name, platform="node")

team, _ = Team.objects.get_or_create(slug="shop", organization=org)
team.members.add(org.organization_users.get(user=user))
team.projects.add(project)

key = ProjectKey.objects.filter(project=project, is_active=True).first() or ProjectKey.objects.create(project=project)
dsn = "http://%s@%s/%s" % (key.public_key.hex, ingest, project.id)

tmp = dsn_file + ".tmp"
with open(tmp, "w") as f:
    f.write(dsn + "\n")
os.chmod(tmp, 0o644)
os.replace(tmp, dsn_file)
print("obsynth: GlitchTip organisation %s, project %s (id %s); DSN written to %s" % (org.slug, project.name, project.id, dsn_file))
