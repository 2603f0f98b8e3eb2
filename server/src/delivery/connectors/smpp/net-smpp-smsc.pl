#!/usr/bin/perl
# A small SMSC built on Net::SMPP (Debian package libnet-smpp-perl), an SMPP implementation
# independent of the `smpp` npm package, so the connector's tests can prove it interoperates.
#
#   perl net-smpp-smsc.pl SYSTEM_ID PASSWORD
#
# Prints "PORT <n>" once listening on 127.0.0.1, then one line per event:
#   BIND <command> <ok|refused>
#   SUBMIT id=<message id> esm=<esm_class> dc=<data_coding> rd=<registered_delivery> dst=<addr> sm=<hex>
#   ENQUIRE
#   DELIVER_RESP seq=<n> status=<n>
# Acknowledges submit_sm with hex message ids and, when asked, sends a delivery receipt
# (standard text plus receipted_message_id and message_state TLVs). A submit to "echo" comes
# back as an inbound deliver_sm with the same octets and data_coding. Serves one connection at
# a time, then waits for the next, so a client can reconnect.
use strict;
use warnings;
use Net::SMPP;

$| = 1;
my ($system_id, $password) = @ARGV;
die "usage: $0 SYSTEM_ID PASSWORD\n" unless defined $password;

my $listener = Net::SMPP->new_listen('127.0.0.1', port => 0, smpp_version => 0x34, timeout => 1)
    or die "cannot listen: $!";
print "PORT ", $listener->sockport, "\n";

my $next_id = 0xBEEF00;
my %bind_resp = (
    0x00000001 => 'bind_receiver_resp',
    0x00000002 => 'bind_transmitter_resp',
    0x00000009 => 'bind_transceiver_resp',
);

while (1) {
    my $conn = $listener->accept or next;
    serve($conn);
    $conn->close;
}

sub serve {
    my ($conn) = @_;
    while (my $pdu = $conn->read_pdu()) {
        my $cmd = $pdu->{cmd};
        my $seq = $pdu->{seq};
        if (my $resp = $bind_resp{$cmd}) {
            my $ok = ($pdu->{system_id} // '') eq $system_id && ($pdu->{password} // '') eq $password;
            print "BIND $resp ", ($ok ? 'ok' : 'refused'), "\n";
            $conn->$resp(system_id => 'NETSMPP', seq => $seq, status => ($ok ? 0 : 0x0D));
            return unless $ok;
        } elsif ($cmd == 0x00000015) {
            print "ENQUIRE\n";
            $conn->enquire_link_resp(seq => $seq);
        } elsif ($cmd == 0x00000006) {
            $conn->unbind_resp(seq => $seq);
            return;
        } elsif ($cmd == 0x00000004) {
            my $id = sprintf('%X', $next_id++);
            printf "SUBMIT id=%s esm=%d dc=%d rd=%d dst=%s sm=%s\n", $id, $pdu->{esm_class},
                $pdu->{data_coding}, $pdu->{registered_delivery}, $pdu->{destination_addr},
                unpack('H*', $pdu->{short_message});
            $conn->submit_sm_resp(message_id => $id, seq => $seq);
            if ($pdu->{destination_addr} eq 'echo') {
                $conn->deliver_sm(
                    source_addr => 'echo', destination_addr => $pdu->{source_addr},
                    esm_class => ($pdu->{esm_class} & 0x40), data_coding => $pdu->{data_coding},
                    short_message => $pdu->{short_message}, async => 1,
                );
            } elsif ($pdu->{registered_delivery} & 0x01) {
                my $text = "id:$id sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:";
                $conn->deliver_sm(
                    source_addr => $pdu->{destination_addr}, destination_addr => $pdu->{source_addr},
                    esm_class => 0x04, data_coding => 0, short_message => $text,
                    receipted_message_id => "$id\0", message_state => pack('C', 2), async => 1,
                );
            }
        } elsif ($cmd == 0x80000005) {
            print "DELIVER_RESP seq=$seq status=$pdu->{status}\n";
        } elsif (!($cmd & 0x80000000)) {
            $conn->generic_nack(seq => $seq, status => 0x03);
        }
    }
}
