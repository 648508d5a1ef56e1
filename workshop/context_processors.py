from workshop import policy
from workshop.selectors import workshop_current


def workshop(request):
    user = request.user
    return {
        "workshop": workshop_current(),
        "nav": {
            "chair": policy.is_chair(user),
            "pc": policy.is_pc_member(user),
            "proceedings": policy.is_proceedings_team(user),
        },
    }
