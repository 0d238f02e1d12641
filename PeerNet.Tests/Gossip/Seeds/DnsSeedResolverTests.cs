using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PeerNet.Gossip.Seeds;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Seeds;

/// <summary>
/// The default resolver: A/AAAA through the system resolver (asked only for <c>localhost</c>, which /etc/hosts
/// answers), SRV through DnsClient, asked here of a name server on 127.0.0.1 that the test runs itself.
/// </summary>
public sealed class DnsSeedResolverTests
{
    private static readonly IOptions<PeerNetOptions> Options = Microsoft.Extensions.Options.Options.Create(new PeerNetOptions { SeedResolveTimeout = 2000 });

    [Fact]
    public void AddPeerNet_RegistersTheDnsResolver_AndGivesWayToAnother()
    {
        using var dir = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        services.AddPeerNet(connectionString: $"Data Source={dir.File("r.db")}");
        using (var provider = services.BuildServiceProvider())
            Assert.IsType<DnsSeedResolver>(provider.GetRequiredService<ISeedResolver>());

        var mine = new FakeSeedResolver();
        var replaced = new ServiceCollection().AddLogging().AddSingleton<ISeedResolver>(mine);
        replaced.AddPeerNet(connectionString: $"Data Source={dir.File("r2.db")}");
        using var other = replaced.BuildServiceProvider();
        Assert.Same(mine, other.GetRequiredService<ISeedResolver>());
    }

    [Fact]
    public async Task Localhost_ResolvesToLoopback()
    {
        var ips = await new DnsSeedResolver(Options).ResolveAddressesAsync("localhost", TestContext.Current.CancellationToken);
        Assert.NotEmpty(ips);
        Assert.All(ips, ip => Assert.True(IPAddress.IsLoopback(ip), ip.ToString()));
    }

    [Fact]
    public async Task Srv_GivesEachRecordsTargetAndPort_NoSuchNameGivesNothing_AServerFailureThrows()
    {
        using var server = new TinyDnsServer();
        var resolver = new DnsSeedResolver(Options, [server.EndPoint]);

        var records = await resolver.ResolveServiceAsync("_peernet._tcp.cluster.test", TestContext.Current.CancellationToken);
        Assert.Equal([new SrvTarget("n1.cluster.test", 7001, 10, 5), new SrvTarget("n2.cluster.test", 7002, 20, 0)], records.OrderBy(r => r.Priority));

        Assert.Empty(await resolver.ResolveServiceAsync("_peernet._tcp.nowhere.test", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<IOException>(() => resolver.ResolveServiceAsync("_peernet._tcp.broken.test", TestContext.Current.CancellationToken));
        Assert.InRange(server.Queries, 3, 4); // a server failure may be asked once more
    }

    /// <summary>
    /// A name server on 127.0.0.1 (an OS-chosen UDP port) that knows one SRV name, answers SERVFAIL for names under
    /// broken.test and NXDOMAIN for everything else.
    /// </summary>
    private sealed class TinyDnsServer : IDisposable
    {
        private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();
        private int _queries;

        public TinyDnsServer() => _ = ServeAsync();

        public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

        public int Queries => Volatile.Read(ref _queries);

        public void Dispose()
        {
            _stop.Cancel();
            _udp.Dispose();
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var request = await _udp.ReceiveAsync(_stop.Token);
                    Interlocked.Increment(ref _queries);
                    var answer = Answer(request.Buffer);
                    await _udp.SendAsync(answer, request.RemoteEndPoint, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }

        private static byte[] Answer(byte[] query)
        {
            // The question: labels from offset 12 to the zero length, then type and class.
            var at = 12;
            var labels = new List<string>();
            while (query[at] != 0)
            {
                labels.Add(Encoding.ASCII.GetString(query, at + 1, query[at]));
                at += query[at] + 1;
            }
            var questionEnd = at + 5;
            var name = string.Join('.', labels).ToLowerInvariant();
            (int Priority, int Weight, int Port, string Target)[] records = name == "_peernet._tcp.cluster.test"
                ? [(10, 5, 7001, "n1.cluster.test"), (20, 0, 7002, "n2.cluster.test")]
                : [];
            var rcode = records.Length > 0 ? 0 : name.EndsWith("broken.test", StringComparison.Ordinal) ? 2 : 3;

            var response = new List<byte>();
            response.AddRange(query.AsSpan(0, 2).ToArray()); // the query's id
            response.AddRange(U16(0x8180 | rcode)); // a response, recursion desired and available
            response.AddRange(U16(1));
            response.AddRange(U16(records.Length));
            response.AddRange(U16(0));
            response.AddRange(U16(0));
            response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
            foreach (var (priority, weight, port, target) in records)
            {
                var data = new List<byte>();
                data.AddRange(U16(priority));
                data.AddRange(U16(weight));
                data.AddRange(U16(port));
                foreach (var label in target.Split('.'))
                {
                    data.Add((byte)label.Length);
                    data.AddRange(Encoding.ASCII.GetBytes(label));
                }
                data.Add(0);
                response.AddRange(U16(0xC00C)); // the question's name
                response.AddRange(U16(33)); // SRV
                response.AddRange(U16(1)); // IN
                response.AddRange([0, 0, 0, 60]); // TTL
                response.AddRange(U16(data.Count));
                response.AddRange(data);
            }
            return [.. response];
        }

        private static byte[] U16(int value)
        {
            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
            return bytes;
        }
    }
}
