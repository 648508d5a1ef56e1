"""The program committee: the PC home, PC profiles, bidding, invitations and conflicts."""
