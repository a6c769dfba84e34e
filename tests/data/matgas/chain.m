function mgc = chain

mgc.gas_specific_gravity         = 0.6;
mgc.specific_heat_capacity_ratio = 1.4;
mgc.temperature                  = 288.15;
mgc.compressibility_factor       = 0.8;
mgc.units                        = 'si';
mgc.gas_molar_mass               = 0.0180488790169;
mgc.R                            = 8.314;
mgc.is_per_unit                  = 0;

%% junction data
% id	p_min	p_max	p_nominal	junction_type	status	pipeline_name	edi_id	lat	lon
mgc.junction = [
1	3000000	6000000	5000000	0	1	'c'	1	0	0
2	3000000	6000000	5000000	0	1	'c'	2	0	0
3	4000000	8000000	5000000	0	1	'c'	3	0	0
4	3000000	8000000	5000000	0	1	'c'	4	0	0
5	1000000	2000000	5000000	0	1	'c'	5	0	0
6	1000000	2000000	5000000	0	1	'c'	6	0	0
];

%% pipe data
% id	fr_junction	to_junction	diameter	length	friction_factor	p_min	p_max	status
mgc.pipe = [
10	1	2	0.6	30000	0.01	1000000	8000000	1
11	3	4	0.6	60000	0.01	1000000	8000000	1
12	5	6	0.3	5000	0.012	1000000	8000000	1
];

%% compressor data
% id	fr_junction	to_junction	c_ratio_min	c_ratio_max	power_max	flow_min	flow_max	inlet_p_min	inlet_p_max	outlet_p_min	outlet_p_max	status	operating_cost	directionality
mgc.compressor = [
20	2	3	1	2	1e100	0	8000	0	8000000	0	8000000	1	10	1
];

%% regulator data
% id	fr_junction	to_junction	reduction_factor_min	reduction_factor_max	flow_min	flow_max	status
mgc.regulator = [
30	4	5	0	1	0	8000	1
];

%% receipt data
% id	junction_id	injection_min	injection_max	injection_nominal	is_dispatchable	status
mgc.receipt = [
1	1	0	100	50	0	1
];

%% delivery data
% id	junction_id	withdrawal_min	withdrawal_max	withdrawal_nominal	is_dispatchable	status
mgc.delivery = [
1	4	0	100	30	0	1
2	6	0	100	20	0	1
];

end
