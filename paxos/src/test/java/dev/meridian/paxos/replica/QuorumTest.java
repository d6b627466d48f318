package dev.meridian.paxos.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Membership;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumTest {

  static final NodeId N1 = new NodeId(1);
  static final NodeId N2 = new NodeId(2);
  static final NodeId N3 = new NodeId(3);
  static final NodeId N4 = new NodeId(4);

  @Test
  void quorumValueIsTheMajoritysLowest() {
    Membership three = Membership.ofVoters(N1, N2, N3);
    Map<NodeId, Long> match = Map.of(N1, 9L, N2, 5L, N3, 2L);
    assertThat(Quorum.quorumValue(List.of(three), match::get)).isEqualTo(5);
  }

  @Test
  void aPendingMembershipMustAgreeToo() {
    Membership three = Membership.ofVoters(N1, N2, N3);
    Membership four = three.apply(ConfChange.addLearner(N4)).apply(ConfChange.promote(N4));
    Map<NodeId, Long> match = Map.of(N1, 9L, N2, 9L, N3, 1L, N4, 1L);
    assertThat(Quorum.quorumValue(List.of(three), match::get)).isEqualTo(9);
    // Four voters need three: only slot 1 has them.
    assertThat(Quorum.quorumValue(List.of(three, four), match::get)).isEqualTo(1);
    assertThat(Quorum.isQuorum(List.of(three, four), Set.of(N1, N2))).isFalse();
    assertThat(Quorum.isQuorum(List.of(three, four), Set.of(N1, N2, N4))).isTrue();
  }

  @Test
  void majoritiesOfConsecutiveMembershipsIntersect() {
    // The property one-at-a-time changes rest on, checked on random memberships and changes.
    PropertyCheck.forAll(
        500,
        r -> {
          List<NodeId> voters = new ArrayList<>();
          for (int i = 1; i <= Gen.between(r, 1, 7); i++) {
            voters.add(new NodeId(i));
          }
          Membership before = new Membership(voters, List.of(new NodeId(9)));
          Membership after =
              r.chance(0.5) || voters.size() == 1
                  ? before.apply(ConfChange.promote(new NodeId(9)))
                  : before.apply(ConfChange.removeVoter(voters.get(r.nextInt(voters.size()))));
          Set<NodeId> a = randomMajority(r, before);
          Set<NodeId> b = randomMajority(r, after);
          return List.of(a, b);
        },
        pair -> {
          Set<NodeId> common = new HashSet<>(pair.get(0));
          common.retainAll(pair.get(1));
          assertThat(common).isNotEmpty();
        });
  }

  private static Set<NodeId> randomMajority(dev.meridian.runtime.RandomSource r, Membership m) {
    List<NodeId> shuffled = new ArrayList<>(m.voters());
    for (int i = shuffled.size() - 1; i > 0; i--) {
      java.util.Collections.swap(shuffled, i, r.nextInt(i + 1));
    }
    return new HashSet<>(shuffled.subList(0, m.quorum()));
  }
}
